package mailsync

import (
	"testing"

	"github.com/rapport-app/rapport"
)

func TestParseAccount(t *testing.T) {
	for raw, want := range map[string]Account{
		"imaps://pat@mail.example.com":       {URL: "imaps://pat@mail.example.com:993", User: "pat", Addr: "mail.example.com:993", TLS: true},
		"imap://pat%40example.com@host:1143": {URL: "imap://pat%40example.com@host:1143", User: "pat@example.com", Addr: "host:1143"},
		" imap://pat@127.0.0.1:14300 ":       {URL: "imap://pat@127.0.0.1:14300", User: "pat", Addr: "127.0.0.1:14300"},
		"imaps://pat@[::1]:993":              {URL: "imaps://pat@[::1]:993", User: "pat", Addr: "[::1]:993", TLS: true},
	} {
		got, err := ParseAccount(raw)
		if err != nil || got != want {
			t.Errorf("%q: %+v %v, want %+v", raw, got, err, want)
		}
	}
	for _, bad := range []string{"pat@mail.example.com", "https://pat@mail.example.com", "imaps://mail.example.com", "imaps://pat:hunter2@mail.example.com", "imaps://"} {
		if _, err := ParseAccount(bad); rapport.ErrorField(err) != "url" {
			t.Errorf("%q: %v", bad, err)
		}
	}
	for addr, loop := range map[string]bool{"127.0.0.1:143": true, "[::1]:143": true, "localhost:143": true, "mail.example.com:143": false, "10.0.0.1:143": false} {
		if (Account{Addr: addr}).Loopback() != loop {
			t.Errorf("%s: loopback %v", addr, !loop)
		}
	}
}
