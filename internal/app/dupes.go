package app

import (
	"context"
	"sort"
	"strings"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/store"
)

// Dupe is a pair of people who look alike but share no email, phone or URL.
type Dupe struct {
	A      rapport.PersonRef `json:"a"`
	B      rapport.PersonRef `json:"b"`
	Reason string            `json:"reason"`
}

// Dupes lists people who may be the same: the same name once accents, case
// and spacing are set aside, or the same first name with a surname that one
// of them only gives as an initial ("Ada L." and "Ada Lovelace"). They are
// never merged silently: `rapport merge` does it when you say so.
func (a *App) Dupes(ctx context.Context) ([]Dupe, error) {
	rows, err := a.view(ctx).People(ctx)
	if err != nil {
		return nil, err
	}
	byKey := map[string][]store.PersonRow{}
	byFirst := map[string][]store.PersonRow{}
	byLast := map[string][]store.PersonRow{}
	for _, r := range rows {
		k := rapport.NameKey(r.Name)
		byKey[k] = append(byKey[k], r)
		if f := strings.Fields(strings.ReplaceAll(k, ".", " ")); len(f) >= 2 {
			byFirst[f[0]+" "+f[len(f)-1][:1]] = append(byFirst[f[0]+" "+f[len(f)-1][:1]], r)
			byLast[f[len(f)-1]+" "+f[0][:1]] = append(byLast[f[len(f)-1]+" "+f[0][:1]], r)
		}
	}
	seen := map[[2]string]bool{}
	var out []Dupe
	add := func(x, y store.PersonRow, reason string) {
		if x.ID > y.ID {
			x, y = y, x
		}
		if seen[[2]string{x.ID, y.ID}] {
			return
		}
		seen[[2]string{x.ID, y.ID}] = true
		out = append(out, Dupe{A: rapport.PersonRef{ID: x.ID, Name: x.Name}, B: rapport.PersonRef{ID: y.ID, Name: y.Name}, Reason: reason})
	}
	for _, group := range byKey {
		for i := range group {
			for j := i + 1; j < len(group); j++ {
				add(group[i], group[j], "same name")
			}
		}
	}
	for _, group := range byFirst {
		for i := range group {
			for j := i + 1; j < len(group); j++ {
				fi := strings.Fields(strings.ReplaceAll(rapport.NameKey(group[i].Name), ".", " "))
				fj := strings.Fields(strings.ReplaceAll(rapport.NameKey(group[j].Name), ".", " "))
				li, lj := fi[len(fi)-1], fj[len(fj)-1]
				if li != lj && (len(li) == 1 || len(lj) == 1) {
					add(group[i], group[j], "same first name; one surname is an initial")
				}
			}
		}
	}
	for _, group := range byLast {
		for i := range group {
			for j := i + 1; j < len(group); j++ {
				fi := strings.Fields(strings.ReplaceAll(rapport.NameKey(group[i].Name), ".", " "))
				fj := strings.Fields(strings.ReplaceAll(rapport.NameKey(group[j].Name), ".", " "))
				if fi[0] != fj[0] && (len(fi[0]) == 1 || len(fj[0]) == 1) {
					add(group[i], group[j], "same surname; one first name is an initial")
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].A.Name != out[j].A.Name {
			return out[i].A.Name < out[j].A.Name
		}
		return out[i].B.ID < out[j].B.ID
	})
	return out, nil
}

// Merge folds the second person into the first with all their history, in
// one transaction, and recomputes the tie.
func (a *App) Merge(ctx context.Context, keepRef, dropRef string) (*PersonDetail, error) {
	var keep rapport.PersonRef
	err := a.update(ctx, func(tx *store.Tx) error {
		var err error
		if keep, err = tx.Resolve(ctx, keepRef); err != nil {
			return err
		}
		drop, err := tx.Resolve(ctx, dropRef)
		if err != nil {
			return err
		}
		if keep.ID == drop.ID {
			return rapport.Errorf(rapport.EINVALID, "%q and %q are the same person", keepRef, dropRef)
		}
		if err := tx.MergePeople(ctx, keep.ID, drop.ID); err != nil {
			return err
		}
		return a.retie(ctx, tx, keep.ID)
	})
	if err != nil {
		return nil, err
	}
	return a.Show(ctx, keep.ID)
}
