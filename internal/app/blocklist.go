package app

import (
	"context"
	"slices"
	"strings"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/importer"
	"github.com/rapport-app/rapport/internal/store"
)

// Some people are never imported: those on your blocklist (family, your
// doctor: whole addresses, or @domain), and on a team's server your
// teammates and anyone at the workspace's own domains (colleagues are not
// the network; their mail with you is no one else's business).

// blocklistKey is the setting that keeps the blocklist: one person's, or
// on a team's server each member's own.
func (a *App) blocklistKey(ctx context.Context) string {
	if m := a.lensMember(ctx); m != "" {
		return "import.blocklist." + m
	}
	return "import.blocklist"
}

// Blocklist returns the addresses and @domains never imported.
func (a *App) Blocklist(ctx context.Context) ([]string, error) {
	s, err := a.view(ctx).Settings(ctx)
	if err != nil {
		return nil, err
	}
	return blockEntries(s[a.blocklistKey(ctx)]), nil
}

func blockEntries(v string) []string {
	return append([]string{}, strings.Fields(v)...)
}

// SetBlocklist adds and removes entries (addresses, or @domain), and
// returns the list.
func (a *App) SetBlocklist(ctx context.Context, add, rm []string) ([]string, error) {
	var out []string
	err := a.update(ctx, func(tx *store.Tx) error {
		s, err := tx.Settings(ctx)
		if err != nil {
			return err
		}
		out = blockEntries(s[a.blocklistKey(ctx)])
		for _, e := range add {
			e = strings.ToLower(strings.TrimSpace(e))
			if e == "" {
				continue
			}
			if domain, ok := strings.CutPrefix(e, "@"); ok {
				if domain == "" || strings.ContainsAny(domain, "@ \t") || !strings.Contains(domain, ".") {
					return rapport.Errorf(rapport.EINVALID, "blocklist entry %q: expected an address or @domain, nothing was changed", e)
				}
			} else if addr, _, err := checkEmail(e); err != nil {
				return rapport.Errorf(rapport.EINVALID, "blocklist entry %q: expected an address or @domain, nothing was changed", e)
			} else {
				e = addr
			}
			if !slices.Contains(out, e) {
				out = append(out, e)
			}
		}
		for _, e := range rm {
			out = slices.DeleteFunc(out, func(x string) bool { return x == strings.ToLower(strings.TrimSpace(e)) })
		}
		slices.Sort(out)
		return tx.SetSetting(ctx, a.blocklistKey(ctx), strings.Join(out, "\n"))
	})
	return out, err
}

// freeMail are domains anyone may have an address at: a member's address
// there does not make the domain the workspace's.
var freeMail = []string{"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com", "icloud.com", "me.com",
	"proton.me", "protonmail.com", "aol.com", "gmx.de", "gmx.net", "web.de", "fastmail.com", "hey.com", "mail.com", "yandex.ru"}

// screen takes out of an import the people never imported, and their part
// in its touches (a touch left with no one goes); it says how many records
// it left out and why.
func (a *App) screen(ctx context.Context, res *importer.Result) (map[string]int, error) {
	blocked, err := a.Blocklist(ctx)
	if err != nil {
		return nil, err
	}
	teammates, domains := map[string]bool{}, map[string]bool{}
	if a.space != nil {
		_, members, err := a.roster(ctx)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			teammates[m.Email] = true
			if _, d, ok := strings.Cut(m.Email, "@"); ok && !slices.Contains(freeMail, d) {
				domains[d] = true
			}
		}
	}
	if len(blocked) == 0 && len(teammates) == 0 {
		return nil, nil
	}
	why := map[string]int{}
	out := func(p importer.Person) string {
		for _, e := range p.Emails {
			e = strings.ToLower(strings.TrimSpace(e))
			_, d, _ := strings.Cut(e, "@")
			switch {
			case slices.Contains(blocked, e) || slices.Contains(blocked, "@"+d):
				return "on your blocklist"
			case teammates[e]:
				return "a teammate"
			case domains[d]:
				return "at your workspace's domain"
			}
		}
		return ""
	}
	res.People = slices.DeleteFunc(res.People, func(p importer.Person) bool {
		if w := out(p); w != "" {
			why[w]++
			return true
		}
		return false
	})
	kept := res.Touches[:0]
	for _, t := range res.Touches {
		var people []importer.Person
		w := ""
		for _, p := range t.People {
			if x := out(p); x != "" {
				w = x
			} else {
				people = append(people, p)
			}
		}
		if w == "" {
			kept = append(kept, t)
			continue
		}
		if len(people) == 0 {
			why[w]++ // only screened people took part: the touch goes
			continue
		}
		t.People = people
		kept = append(kept, t)
	}
	res.Touches = kept
	return why, nil
}
