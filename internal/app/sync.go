package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/davsync"
	"github.com/rapport-app/rapport/internal/importer"
	"github.com/rapport-app/rapport/internal/importer/email"
	"github.com/rapport-app/rapport/internal/importer/ics"
	"github.com/rapport-app/rapport/internal/importer/vcard"
	"github.com/rapport-app/rapport/internal/mailsync"
	"github.com/rapport-app/rapport/internal/store"
)

// SyncSource is a source read as it changes (see store.SyncSource).
type SyncSource = store.SyncSource

// IMAPSync is a mailbox to capture: its URL (imaps://user@host), your
// addresses in it, and its password, given directly (from the environment)
// or by a command that prints it (stored, unlike the password).
type IMAPSync struct {
	URL             string
	Me              []string
	PasswordCommand string
	Password        string
}

// SyncSummary is what one run of a source read and added.
type SyncSummary struct {
	Source              string          `json:"source"`
	Folders             []FolderSummary `json:"folders"`
	Read                int             `json:"read"`
	InteractionsCreated int             `json:"interactions_created"`
	PeopleCreated       int             `json:"people_created"`
	Skipped             int             `json:"skipped"`
	Errors              []string        `json:"errors"`
}

// FolderSummary is one folder of a run.
type FolderSummary struct {
	Name    string `json:"name"`
	Read    int    `json:"read"`
	LastUID int64  `json:"last_uid"`
}

// syncBatch is how many messages a sync commits at a time: a run stopped
// halfway keeps what it committed and resumes after it. Each commit reads the
// people's handles and cores again: 1,000 a batch made a 50,000-message
// capture 4 times slower than 10,000 (docs/benchmarks.md).
const syncBatch = 10000

// SyncIMAP captures a mailbox's mail since the last run, with the mbox
// import's rules (only people you wrote to; lists and bulk mail never, your
// own list mail counted) and its keys (a message imported from an mbox
// before is not counted twice): the sent folder first, so that the people
// you wrote to there count in the inbox, then the inbox. The source is
// recorded for `rapport sync` and its run noted, failed or not.
func (a *App) SyncIMAP(ctx context.Context, in IMAPSync) (*SyncSummary, error) {
	acct, err := mailsync.ParseAccount(in.URL)
	if err != nil {
		return nil, err
	}
	me, err := a.texts("me", in.Me)
	if err != nil {
		return nil, err
	}
	if len(me) == 0 {
		return nil, rapport.FieldErrorf(rapport.EINVALID, "me", "is required: your address in this mailbox, to tell your mail from theirs")
	}
	src := store.SyncSource{URL: acct.URL, Kind: "imap", Me: me, PasswordCommand: strings.TrimSpace(in.PasswordCommand)}
	sum, err := a.syncIMAP(ctx, acct, me, in.Password)
	return sum, a.ran(ctx, src, sum, err)
}

// ran records a source and how its run went: a source is kept once a run of
// it has read something (a mistyped URL or password is not kept to fail
// every quarter of an hour); a known source's failure is noted on it.
func (a *App) ran(ctx context.Context, src store.SyncSource, sum *SyncSummary, err error) error {
	failure, added := "", 0
	if err != nil {
		failure = rapport.ErrorMessage(err)
	}
	if sum != nil {
		added = sum.InteractionsCreated + sum.PeopleCreated
	}
	rerr := a.DB.Update(context.WithoutCancel(ctx), func(tx *store.Tx) error {
		srcs, err := tx.SyncSources(ctx)
		if err != nil {
			return err
		}
		known := slices.ContainsFunc(srcs, func(s store.SyncSource) bool { return s.URL == src.URL })
		if !known && (sum == nil || sum.Read == 0 && len(sum.Folders) == 0) {
			return nil // never reached: not kept
		}
		if err := tx.PutSyncSource(ctx, src); err != nil {
			return err
		}
		return tx.SyncRan(ctx, src.URL, a.now(), added, failure)
	})
	if err == nil {
		err = rerr
	}
	return err
}

func (a *App) syncIMAP(ctx context.Context, acct mailsync.Account, me []string, password string) (*SyncSummary, error) {
	if password == "" {
		return nil, rapport.FieldErrorf(rapport.EINVALID, "password", "is required: give a --password-command, or set RAPPORT_IMAP_PASSWORD")
	}
	conn, err := mailsync.Dial(ctx, acct, password)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	inbox, sent, err := conn.Folders()
	if err != nil {
		return nil, err
	}
	sum := &SyncSummary{Source: acct.URL, Folders: []FolderSummary{}, Errors: []string{}}
	if sent == "" {
		sum.Errors = append(sum.Errors, "no sent folder found (none is marked \\Sent or named Sent): only the inbox was read")
	}
	hr := email.NewHeaderReader()
	wrote, err := a.view(ctx).EmailedAddresses(ctx) // then kept up batch by batch
	if err != nil {
		return sum, err
	}
	for _, folder := range []string{sent, inbox} {
		if folder == "" {
			continue
		}
		fs := FolderSummary{Name: folder}
		v, last, err := a.view(ctx).SyncFolder(ctx, acct.URL, folder)
		if err != nil {
			return sum, err
		}
		st := mailsync.State{UIDValidity: uint32(v), LastUID: uint32(last)}
		batch := syncBatch
		if a.syncBatch > 0 {
			batch = a.syncBatch
		}
		err = conn.Fetch(ctx, folder, st, email.HeaderFields, batch, func(hs []mailsync.Header, st mailsync.State) error {
			fs.Read += len(hs)
			fs.LastUID = int64(st.LastUID)
			save := func(tx *store.Tx) error {
				return tx.PutSyncFolder(ctx, acct.URL, folder, int64(st.UIDValidity), int64(st.LastUID))
			}
			if len(hs) == 0 {
				return a.DB.Update(ctx, save)
			}
			c := email.NewCollector(me)
			c.Continue(wrote)
			for _, h := range hs {
				m, err := hr.Parse(h.Block, fmt.Sprintf("%s %s UID %d", acct.URL, folder, h.UID), h.Arrived)
				if err != nil {
					sum.Errors = append(sum.Errors, rapport.ErrorMessage(err))
					continue
				}
				if err := c.Add(m); err != nil {
					return err
				}
			}
			res, err := c.Result(acct.URL)
			if err != nil {
				return err
			}
			wrote = c.Wrote()
			is, err := a.importThen(ctx, acct.URL, res, false, save)
			if err != nil {
				return err
			}
			if a.afterBatch != nil {
				if err := a.afterBatch(); err != nil {
					return err
				}
			}
			sum.Read += is.Read
			sum.InteractionsCreated += is.InteractionsCreated
			sum.PeopleCreated += is.PeopleCreated
			sum.Skipped += is.Skipped
			sum.Errors = append(sum.Errors, is.Errors...)
			return nil
		})
		if err != nil && !errors.Is(err, mailsync.ErrNoFolder) {
			return sum, err
		}
		sum.Folders = append(sum.Folders, fs)
	}
	return sum, nil
}

// SyncSources lists the sources `rapport sync` reads.
func (a *App) SyncSources(ctx context.Context) ([]SyncSource, error) {
	return a.view(ctx).SyncSources(ctx)
}

// ForgetSync stops reading a source; what it added stays.
func (a *App) ForgetSync(ctx context.Context, url string) error {
	if acct, err := mailsync.ParseAccount(url); err == nil {
		url = acct.URL
	} else if acct, err := davsync.ParseAccount(url); err == nil {
		url = acct.Key()
	}
	return a.update(ctx, func(tx *store.Tx) error { return tx.DeleteSyncSource(ctx, url) })
}

// SyncAll runs every source, each with the password password gives for it
// (its command's, or the environment's); one failing does not stop the
// others, and each run is noted.
func (a *App) SyncAll(ctx context.Context, password func(context.Context, SyncSource) (string, error)) ([]SyncSummary, error) {
	srcs, err := a.SyncSources(ctx)
	if err != nil {
		return nil, err
	}
	out := []SyncSummary{}
	var errs []error
	for _, s := range srcs {
		pw, err := password(ctx, s)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.URL, err))
			_ = a.update(ctx, func(tx *store.Tx) error { return tx.SyncRan(ctx, s.URL, a.now(), 0, rapport.ErrorMessage(err)) })
			continue
		}
		var sum *SyncSummary
		switch s.Kind {
		case calendars.name:
			sum, err = a.SyncCalDAV(ctx, DAVSync{URL: s.URL, Me: s.Me, PasswordCommand: s.PasswordCommand, Password: pw})
		case addressBooks.name:
			sum, err = a.SyncCardDAV(ctx, DAVSync{URL: s.URL, Me: s.Me, PasswordCommand: s.PasswordCommand, Password: pw})
		default:
			sum, err = a.SyncIMAP(ctx, IMAPSync{URL: s.URL, Me: s.Me, PasswordCommand: s.PasswordCommand, Password: pw})
		}
		if sum != nil {
			out = append(out, *sum)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.URL, err))
		}
	}
	return out, errors.Join(errs...)
}

// DAVSync is an account's calendars (CalDAV) or address books (CardDAV) to
// capture: its URL (https://user@host/path), your addresses (to tell you
// among a meeting's attendees), and its password, as for IMAPSync.
type DAVSync struct {
	URL             string
	Me              []string
	PasswordCommand string
	Password        string
}

// davKind is what differs between calendars and address books.
type davKind struct {
	name  string // the source's kind
	lists func(*davsync.Client, context.Context) ([]string, error)
	get   func(*davsync.Client, context.Context, string, []string) ([]davsync.Object, error)
	read  func(o davsync.Object, me []string, now time.Time) (*importer.Result, error)
}

var (
	calendars = davKind{name: "caldav", lists: (*davsync.Client).Calendars, get: (*davsync.Client).Get,
		read: func(o davsync.Object, me []string, now time.Time) (*importer.Result, error) {
			return ics.Read(bytes.NewReader(o.Data), o.Href, me, now)
		}}
	addressBooks = davKind{name: "carddav", lists: (*davsync.Client).AddressBooks, get: (*davsync.Client).Cards,
		read: func(o davsync.Object, _ []string, _ time.Time) (*importer.Result, error) {
			r, err := vcard.Read(bytes.NewReader(o.Data), o.Href)
			if err == nil {
				for i := range r.People {
					r.People[i].Ref = o.Href // the card is the person, whatever it says next
				}
			}
			return r, err
		}}
)

// SyncCalDAV captures an account's calendars with the ICS import's rules
// (meetings with the people invited, you left out, nothing after now): it
// lists each calendar's events with their ETags and reads only those it has
// not read as they are now; an event already imported (by its UID, from an
// .ics file too) is not counted twice. The source is recorded for `rapport
// sync` and its run noted.
func (a *App) SyncCalDAV(ctx context.Context, in DAVSync) (*SyncSummary, error) {
	return a.syncDAVSource(ctx, calendars, in)
}

// SyncCardDAV pulls an address book someone shares with you (or your own on
// another server) with the vCard import's rules, the same way: only the
// cards whose ETag changed are read, and a card merges into the person its
// email, phone or link names.
func (a *App) SyncCardDAV(ctx context.Context, in DAVSync) (*SyncSummary, error) {
	return a.syncDAVSource(ctx, addressBooks, in)
}

func (a *App) syncDAVSource(ctx context.Context, kind davKind, in DAVSync) (*SyncSummary, error) {
	acct, err := davsync.ParseAccount(in.URL)
	if err != nil {
		return nil, err
	}
	me, err := a.texts("me", in.Me)
	if err != nil {
		return nil, err
	}
	key := acct.Key()
	src := store.SyncSource{URL: key, Kind: kind.name, Me: me, PasswordCommand: strings.TrimSpace(in.PasswordCommand)}
	sum, err := a.syncDAV(ctx, kind, acct, me, in.Password)
	return sum, a.ran(ctx, src, sum, err)
}

func (a *App) syncDAV(ctx context.Context, kind davKind, acct davsync.Account, me []string, password string) (*SyncSummary, error) {
	key := acct.Key()
	c, err := davsync.Dial(acct, password)
	if err != nil {
		return nil, err
	}
	cols, err := kind.lists(c, ctx)
	if err != nil {
		return nil, err
	}
	seen, err := a.view(ctx).SyncItems(ctx, key)
	if err != nil {
		return nil, err
	}
	sum := &SyncSummary{Source: key, Folders: []FolderSummary{}, Errors: []string{}}
	for _, col := range cols {
		etags, err := c.ETags(ctx, col)
		if err != nil {
			return sum, err
		}
		var changed []string
		for h, e := range etags {
			if e == "" || seen[h] != e {
				changed = append(changed, h)
			}
		}
		slices.Sort(changed)
		objs, err := kind.get(c, ctx, col, changed)
		if err != nil {
			return sum, err
		}
		sum.Folders = append(sum.Folders, FolderSummary{Name: col, Read: len(objs)})
		if len(objs) == 0 {
			continue
		}
		res := &importer.Result{}
		read := map[string]string{}
		for _, o := range objs {
			r, err := kind.read(o, me, a.now())
			if err != nil {
				sum.Errors = append(sum.Errors, rapport.ErrorMessage(err))
				continue
			}
			for i := range r.People {
				if r.People[i].Ref != "" {
					r.People[i].Ref = kind.name + "\x00" + key + "\x00" + r.People[i].Ref
				}
			}
			res.Merge(r)
			read[o.Href] = o.ETag
		}
		is, err := a.importThen(ctx, key, res, false, func(tx *store.Tx) error { return tx.PutSyncItems(ctx, key, read) })
		if err != nil {
			return sum, err
		}
		sum.Read += is.Read
		sum.InteractionsCreated += is.InteractionsCreated
		sum.PeopleCreated += is.PeopleCreated
		sum.Skipped += is.Skipped
		sum.Errors = append(sum.Errors, is.Errors...)
	}
	return sum, nil
}
