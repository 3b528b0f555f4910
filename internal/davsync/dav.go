// Package davsync reads calendars (CalDAV, RFC 4791) and address books
// (CardDAV, RFC 6352) with emersion/go-webdav,
// incrementally: it lists each collection's objects with
// their ETags and fetches only the ones whose ETag the caller has not seen
// (most servers give no collection sync; every one gives ETags).
package davsync

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-vcard"
	"github.com/emersion/go-webdav"
	"github.com/emersion/go-webdav/caldav"
	"github.com/emersion/go-webdav/carddav"

	"github.com/rapport-app/rapport"
)

// Account is where the calendars or address books are: https://user@host/path (plain http to
// this machine only). The password is given apart, never in the URL.
type Account struct {
	URL  string // without user or password
	User string
}

// ParseAccount reads an account URL.
func ParseAccount(raw string) (Account, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return Account{}, rapport.FieldErrorf(rapport.EINVALID, "url", "%q: expected https://user@host/path", raw)
	}
	if _, ok := u.User.Password(); ok {
		return Account{}, rapport.FieldErrorf(rapport.EINVALID, "url", "carries a password: give it with --password-command or RAPPORT_CALDAV_PASSWORD instead, so it is never stored")
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	if u.Scheme == "http" && host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return Account{}, rapport.FieldErrorf(rapport.EINVALID, "url", "%q: plain http only to this machine; use https", raw)
	}
	a := Account{User: u.User.Username()}
	u.User = nil
	if u.Path == "" {
		u.Path = "/"
	}
	a.URL = u.String()
	return a, nil
}

// Key names the account as a source: its URL with the user.
func (a Account) Key() string {
	u, _ := url.Parse(a.URL)
	if a.User != "" {
		u.User = url.User(a.User)
	}
	return u.String()
}

// Client reads an account's calendars and address books.
type Client struct {
	c    *caldav.Client
	card *carddav.Client
	base *url.URL
}

// Dial makes a client (nothing is sent yet).
func Dial(a Account, password string) (*Client, error) {
	var hc webdav.HTTPClient = &http.Client{Timeout: time.Minute}
	if a.User != "" {
		hc = webdav.HTTPClientWithBasicAuth(hc, a.User, password)
	}
	c, err := caldav.NewClient(hc, a.URL)
	if err != nil {
		return nil, fmt.Errorf("calendars at %s: %w", a.URL, err)
	}
	card, err := carddav.NewClient(hc, a.URL)
	if err != nil {
		return nil, fmt.Errorf("address books at %s: %w", a.URL, err)
	}
	base, _ := url.Parse(a.URL)
	return &Client{c: c, card: card, base: base}, nil
}

// Calendars finds the account's calendars: from its principal, or the URL
// itself when it is a calendar.
func (c *Client) Calendars(ctx context.Context) ([]string, error) {
	var out []string
	if p, err := c.c.FindCurrentUserPrincipal(ctx); err == nil {
		if home, err := c.c.FindCalendarHomeSet(ctx, p); err == nil {
			if cals, err := c.c.FindCalendars(ctx, home); err == nil {
				for _, cal := range cals {
					if len(cal.SupportedComponentSet) == 0 || contains(cal.SupportedComponentSet, "VEVENT") {
						out = append(out, cal.Path)
					}
				}
			}
		}
	}
	if len(out) == 0 {
		cals, err := c.c.FindCalendars(ctx, c.base.Path)
		if err != nil {
			return nil, rapport.Errorf(rapport.EINVALID, "no calendar found at %s: %v", c.base, err)
		}
		for _, cal := range cals {
			out = append(out, cal.Path)
		}
	}
	if len(out) == 0 {
		return nil, rapport.Errorf(rapport.EINVALID, "no calendar found at %s", c.base)
	}
	sort.Strings(out)
	return out, nil
}

func contains(l []string, s string) bool {
	for _, v := range l {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// ETags lists a calendar's objects: href → ETag.
func (c *Client) ETags(ctx context.Context, calendar string) (map[string]string, error) {
	infos, err := c.c.ReadDir(ctx, calendar, false)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", calendar, err)
	}
	out := map[string]string{}
	for _, fi := range infos {
		if !fi.IsDir {
			out[fi.Path] = fi.ETag
		}
	}
	return out, nil
}

// Object is one calendar object as iCalendar text.
type Object struct {
	Href, ETag string
	Data       []byte
}

// Get fetches objects of a calendar (in batches of 200 a request).
func (c *Client) Get(ctx context.Context, calendar string, hrefs []string) ([]Object, error) {
	var out []Object
	for start := 0; start < len(hrefs); start += 200 {
		objs, err := c.c.MultiGetCalendar(ctx, calendar, &caldav.CalendarMultiGet{Paths: hrefs[start:min(start+200, len(hrefs))],
			CompRequest: caldav.CalendarCompRequest{AllProps: true, AllComps: true}})
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", calendar, err)
		}
		for _, o := range objs {
			var buf bytes.Buffer
			if o.Data == nil {
				continue
			}
			if err := ical.NewEncoder(&buf).Encode(o.Data); err != nil {
				return nil, fmt.Errorf("read %s: %w", o.Path, err)
			}
			out = append(out, Object{Href: o.Path, ETag: o.ETag, Data: buf.Bytes()})
		}
	}
	return out, nil
}

// AddressBooks finds the account's address books: from its principal, or
// the URL itself when it is one.
func (c *Client) AddressBooks(ctx context.Context) ([]string, error) {
	var out []string
	if p, err := c.c.FindCurrentUserPrincipal(ctx); err == nil {
		if home, err := c.card.FindAddressBookHomeSet(ctx, p); err == nil {
			if books, err := c.card.FindAddressBooks(ctx, home); err == nil {
				for _, b := range books {
					out = append(out, b.Path)
				}
			}
		}
	}
	if len(out) == 0 {
		books, err := c.card.FindAddressBooks(ctx, c.base.Path)
		if err != nil {
			return nil, rapport.Errorf(rapport.EINVALID, "no address book found at %s: %v", c.base, err)
		}
		for _, b := range books {
			out = append(out, b.Path)
		}
	}
	if len(out) == 0 {
		return nil, rapport.Errorf(rapport.EINVALID, "no address book found at %s", c.base)
	}
	sort.Strings(out)
	return out, nil
}

// Cards fetches cards of an address book as vCard text (in batches of 200
// a request).
func (c *Client) Cards(ctx context.Context, book string, hrefs []string) ([]Object, error) {
	var out []Object
	for start := 0; start < len(hrefs); start += 200 {
		objs, err := c.card.MultiGetAddressBook(ctx, book, &carddav.AddressBookMultiGet{Paths: hrefs[start:min(start+200, len(hrefs))],
			DataRequest: carddav.AddressDataRequest{AllProp: true}})
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", book, err)
		}
		for _, o := range objs {
			var buf bytes.Buffer
			if err := vcard.NewEncoder(&buf).Encode(o.Card); err != nil {
				return nil, fmt.Errorf("read %s: %w", o.Path, err)
			}
			out = append(out, Object{Href: o.Path, ETag: o.ETag, Data: buf.Bytes()})
		}
	}
	return out, nil
}
