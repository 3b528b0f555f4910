// Package mailsync reads a mailbox's headers over IMAP (RFC 3501, with
// emersion/go-imap v2), incrementally: each folder's UIDVALIDITY and the
// last UID read are kept by the caller, and a sync fetches only what came
// after. It never reads a body and never changes a message (BODY.PEEK).
package mailsync

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/rapport-app/rapport"
)

// Account is where a mailbox is: imaps://user@host[:993], or
// imap://user@host:port (STARTTLS, or plain text to this machine only).
type Account struct {
	URL  string
	User string
	Addr string // host:port
	TLS  bool   // implicit TLS (imaps)
}

// ParseAccount reads an account URL; a password in it is refused (it would
// be stored): give it by command or environment.
func ParseAccount(raw string) (Account, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "imap" && u.Scheme != "imaps") {
		return Account{}, rapport.FieldErrorf(rapport.EINVALID, "url", "%q: expected imaps://user@host[:port] or imap://user@host:port", raw)
	}
	if _, ok := u.User.Password(); ok {
		return Account{}, rapport.FieldErrorf(rapport.EINVALID, "url", "carries a password: give it with --password-command or RAPPORT_IMAP_PASSWORD instead, so it is never stored")
	}
	a := Account{User: u.User.Username(), TLS: u.Scheme == "imaps", Addr: u.Host}
	if a.User == "" {
		return Account{}, rapport.FieldErrorf(rapport.EINVALID, "url", "%q names no user: imaps://user@host", raw)
	}
	if u.Port() == "" {
		port := "143"
		if a.TLS {
			port = "993"
		}
		a.Addr = net.JoinHostPort(u.Hostname(), port)
	}
	a.URL = (&url.URL{Scheme: u.Scheme, User: url.User(a.User), Host: a.Addr}).String()
	return a, nil
}

// Loopback reports whether the account is on this machine.
func (a Account) Loopback() bool {
	host, _, _ := net.SplitHostPort(a.Addr)
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Conn is a signed-in IMAP connection.
type Conn struct {
	c *imapclient.Client
}

// Dial connects and signs in: implicit TLS for imaps, STARTTLS for imap (a
// server without it is refused), plain text only to this machine.
func Dial(ctx context.Context, a Account, password string) (*Conn, error) {
	opts := &imapclient.Options{Dialer: &net.Dialer{Timeout: 30 * time.Second}}
	var c *imapclient.Client
	var err error
	switch {
	case a.TLS:
		c, err = imapclient.DialTLS(a.Addr, opts)
	case a.Loopback():
		c, err = imapclient.DialInsecure(a.Addr, opts)
	default:
		c, err = imapclient.DialStartTLS(a.Addr, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", a.URL, err)
	}
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	if err := c.WaitGreeting(); err != nil {
		c.Close()
		return nil, fmt.Errorf("connect to %s: %w", a.URL, err)
	}
	if c.State() != imap.ConnStateAuthenticated { // not PREAUTH
		if err := c.Login(a.User, password).Wait(); err != nil {
			c.Close()
			return nil, rapport.Errorf(rapport.EINVALID, "sign in to %s: %v", a.URL, err)
		}
	}
	return &Conn{c: c}, nil
}

// Close signs out.
func (c *Conn) Close() error {
	_ = c.c.Logout().Wait()
	return c.c.Close()
}

// Folders returns the inbox and the sent folder: the one marked \Sent
// (SPECIAL-USE), else the first of the usual names; "" when there is none.
func (c *Conn) Folders() (inbox, sent string, err error) {
	list, err := c.c.List("", "*", &imap.ListOptions{ReturnSpecialUse: c.c.Caps().Has(imap.CapSpecialUse)}).Collect()
	if err != nil {
		return "", "", fmt.Errorf("list folders: %w", err)
	}
	names := map[string]string{}
	for _, m := range list {
		names[strings.ToLower(m.Mailbox)] = m.Mailbox
		for _, at := range m.Attrs {
			if at == imap.MailboxAttrSent && sent == "" {
				sent = m.Mailbox
			}
		}
	}
	if sent == "" {
		for _, n := range []string{"sent", "sent items", "sent messages", "sent mail", "[gmail]/sent mail", "inbox.sent", "inbox/sent"} {
			if m, ok := names[n]; ok {
				sent = m
				break
			}
		}
	}
	return "INBOX", sent, nil
}

// State is how far a folder was read: its UIDVALIDITY and the last UID.
type State struct {
	UIDValidity uint32
	LastUID     uint32
}

// Header is one message's header block as fetched.
type Header struct {
	UID     uint32
	Arrived time.Time // the server's INTERNALDATE
	Block   []byte
}

// ErrNoFolder is a folder the server does not have.
var ErrNoFolder = errors.New("no such folder")

// Fetch reads the header fields of the messages of folder after st (the
// fields wanted, all of them when none), in batches of batch, calling fn with
// each batch and the state it reaches: fn commits them, so a sync stopped
// halfway resumes after the last batch committed. The next batch is asked
// for before fn runs, so the server sends it while fn works. A changed
// UIDVALIDITY (the folder was rebuilt) reads it all again.
func (c *Conn) Fetch(ctx context.Context, folder string, st State, fields []string, batch int, fn func([]Header, State) error) error {
	sel, err := c.c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return fmt.Errorf("open %s: %w (%w)", folder, err, ErrNoFolder)
	}
	if sel.UIDValidity != st.UIDValidity {
		st = State{UIDValidity: sel.UIDValidity}
	}
	next := uint32(sel.UIDNext)
	if sel.NumMessages == 0 || next != 0 && st.LastUID+1 >= next {
		return fn(nil, st) // nothing new: the state may still be new
	}
	section := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: fields, Peek: true}
	ask := func(from uint32) *imapclient.FetchCommand {
		var set imap.UIDSet
		set.AddRange(imap.UID(from), imap.UID(from+uint32(batch)-1))
		return c.c.Fetch(set, &imap.FetchOptions{UID: true, InternalDate: true, BodySection: []*imap.FetchItemBodySection{section}})
	}
	from := st.LastUID + 1
	cmd := ask(from)
	for {
		msgs, err := cmd.Collect()
		if err != nil {
			return fmt.Errorf("read %s: %w", folder, err)
		}
		end := from + uint32(batch) - 1
		last := next == 0 && len(msgs) == 0 || next != 0 && end+1 >= next
		if !last {
			cmd = ask(end + 1)
		}
		hs := make([]Header, 0, len(msgs))
		for _, m := range msgs {
			hs = append(hs, Header{UID: uint32(m.UID), Arrived: m.InternalDate, Block: m.FindBodySection(section)})
			st.LastUID = max(st.LastUID, uint32(m.UID))
		}
		if next != 0 {
			st.LastUID = max(st.LastUID, min(end, next-1)) // UIDs with no message (expunged) are passed over
		}
		if err := fn(hs, st); err != nil {
			if !last {
				_, _ = cmd.Collect()
			}
			return err
		}
		if last {
			return nil
		}
		if err := ctx.Err(); err != nil {
			_, _ = cmd.Collect()
			return err
		}
		from = end + 1
	}
}
