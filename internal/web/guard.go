package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
)

// Options say whom the server answers.
type Options struct {
	// Loopback is true when the server listens on the loopback interface
	// only. It then answers only requests that name this machine in their
	// Host (localhost, 127.0.0.1, [::1], any port): a page on another site
	// whose name was made to resolve to 127.0.0.1 (DNS rebinding) is refused
	// before anything is read or written.
	Loopback bool
	// Auth, when set, is asked about every request but the login page and
	// the static assets. Off loopback it is required.
	Auth Authenticator

	inner bool // a workspace's server, behind a team's front server (see spaces)
}

// Authenticator decides whether a request comes from someone allowed in. The
// token authenticator below is the only one today; the team server's
// accounts will be another, behind the same three methods.
type Authenticator interface {
	// Allowed reports whether the request carries valid credentials (a
	// bearer token or a session cookie).
	Allowed(r *http.Request) bool
	// Login checks what the login form posted and returns the session
	// cookie to set, or an error to show on the form.
	Login(r *http.Request) (*http.Cookie, error)
	// Logout returns the cookie that ends the session.
	Logout(r *http.Request) *http.Cookie
}

// team reports whether the server signs in a workspace's members.
func (s *Server) team() bool {
	_, ok := s.opts.Auth.(*TeamAuth)
	return ok
}

// loopbackHost reports whether the Host header names this machine.
func loopbackHost(host string) bool {
	h := host
	if sh, _, err := net.SplitHostPort(host); err == nil {
		h = sh
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	switch strings.ToLower(h) {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

// guard refuses requests the server must not answer: on loopback, those
// naming another host; with an authenticator, those without credentials
// (the login page and the assets it needs excepted).
func (s *Server) guard(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.opts.Loopback && !loopbackHost(r.Host) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusMisdirectedRequest)
			_, _ = w.Write([]byte("Misdirected request: this Rapport answers only to localhost, 127.0.0.1 and [::1].\n"))
			return
		}
		// The address book signs its clients in with app passwords, always.
		dav := strings.HasPrefix(r.URL.Path, "/dav/") || r.URL.Path == "/.well-known/carddav"
		open := r.URL.Path == "/login" || strings.HasPrefix(r.URL.Path, "/login/passkey") || strings.HasPrefix(r.URL.Path, "/signin/") || strings.HasPrefix(r.URL.Path, "/static/")
		if t, ok := s.opts.Auth.(*TeamAuth); ok && !open {
			// A team's server: each member's request goes to their
			// workspace's server; the front serves no data of its own.
			m, ok := t.Member(r)
			if dav {
				m, ok = t.davMember(r)
			}
			if ok {
				s.spaces.serve(w, r, m)
				return
			}
			if dav {
				h.ServeHTTP(w, r) // refused there, with the failure counted
				return
			}
		} else if s.opts.Auth == nil || dav || open || s.opts.Auth.Allowed(r) {
			h.ServeHTTP(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			w.Header().Set("WWW-Authenticate", `Bearer realm="rapport"`)
			apiError(w, http.StatusUnauthorized, rapport.Errorf(rapport.EINVALID, "sign in: send the server's token as Authorization: Bearer <token>"))
			return
		}
		next := ""
		if r.Method == http.MethodGet {
			next = r.URL.RequestURI()
		}
		s.render(w, r, http.StatusUnauthorized, "login", pageData{Title: "Sign in", Data: loginView{Next: next, Team: s.team()}})
	})
}

type loginView struct {
	Next string
	Team bool // a workspace's server: members sign in
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if s.opts.Auth == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", pageData{Title: "Sign in", Data: loginView{Next: localPath(r.URL.Query().Get("next"), "/"), Team: s.team()}})
}

func (s *Server) loginPost(w http.ResponseWriter, r *http.Request) {
	if s.opts.Auth == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, rapport.Errorf(rapport.EINVALID, "could not read the form: %v", err))
		return
	}
	next := localPath(r.PostForm.Get("next"), "/")
	ip, _, _ := net.SplitHostPort(r.RemoteAddr)
	if !s.logins.allow(ip) {
		w.Header().Set("Retry-After", "60")
		s.render(w, r, http.StatusTooManyRequests, "login", pageData{Title: "Sign in", Error: "Too many wrong tokens: wait a minute.", Data: loginView{Next: next, Team: s.team()}})
		return
	}
	c, err := s.opts.Auth.Login(r)
	if err != nil {
		s.logins.fail(ip)
		s.render(w, r, http.StatusUnauthorized, "login", pageData{Title: "Sign in", Error: rapport.ErrorMessage(err), Data: loginView{Next: next, Team: s.team()}})
		return
	}
	http.SetCookie(w, c)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if s.opts.Auth != nil {
		http.SetCookie(w, s.opts.Auth.Logout(r))
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// localPath returns p if it is a path on this site, else def: a redirect
// target taken from a request must never lead to another site ("//evil",
// "/\evil", "https://evil", "javascript:").
func localPath(p, def string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n\t") {
		return def
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return def
	}
	return p
}

// TokenAuth admits requests that carry the server's secret token, as a
// bearer token (API clients) or as the session cookie the login page sets
// (browsers). Only the token's SHA-256 is kept.
type TokenAuth struct {
	hash [32]byte
	now  func() time.Time
}

// NewTokenAuth returns an authenticator for the token whose SHA-256 is hash.
func NewTokenAuth(hash [32]byte, now func() time.Time) *TokenAuth {
	return &TokenAuth{hash: hash, now: now}
}

// NewToken makes a new secret token: 32 random bytes, URL-safe.
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// HashToken is the form in which a token is stored.
func HashToken(token string) [32]byte { return sha256.Sum256([]byte(strings.TrimSpace(token))) }

// ParseTokenHash reads a hash stored as hex.
func ParseTokenHash(s string) ([32]byte, bool) {
	var h [32]byte
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return h, false
	}
	copy(h[:], b)
	return h, true
}

// sessionCookie is the cookie's name; sessions last sessionFor.
const (
	sessionCookie = "rapport_session"
	sessionFor    = 30 * 24 * time.Hour
)

func (t *TokenAuth) token(token string) bool {
	h := HashToken(token)
	return subtle.ConstantTimeCompare(h[:], t.hash[:]) == 1
}

// Allowed implements Authenticator.
func (t *TokenAuth) Allowed(r *http.Request) bool {
	if a := r.Header.Get("Authorization"); a != "" {
		tok, ok := strings.CutPrefix(a, "Bearer ")
		return ok && t.token(tok)
	}
	c, err := r.Cookie(sessionCookie)
	return err == nil && t.session(c.Value)
}

// A session is its expiry and a random nonce, signed with a key derived from
// the token's hash: a new token ends every session, and no session table is
// needed.
func (t *TokenAuth) sign(msg []byte) []byte {
	key := sha256.Sum256(append([]byte("rapport session\x00"), t.hash[:]...))
	m := hmac.New(sha256.New, key[:])
	m.Write(msg)
	return m.Sum(nil)
}

func (t *TokenAuth) newSession() (string, time.Time, error) {
	exp := t.now().Add(sessionFor)
	msg := make([]byte, 8+16)
	binary.BigEndian.PutUint64(msg, uint64(exp.Unix()))
	if _, err := rand.Read(msg[8:]); err != nil {
		return "", exp, err
	}
	return base64.RawURLEncoding.EncodeToString(append(msg, t.sign(msg)...)), exp, nil
}

func (t *TokenAuth) session(v string) bool {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) != 8+16+sha256.Size {
		return false
	}
	msg, mac := b[:24], b[24:]
	if !hmac.Equal(mac, t.sign(msg)) {
		return false
	}
	return t.now().Unix() < int64(binary.BigEndian.Uint64(msg))
}

// Login implements Authenticator: the form's "token" field.
func (t *TokenAuth) Login(r *http.Request) (*http.Cookie, error) {
	if !t.token(r.PostForm.Get("token")) {
		return nil, rapport.Errorf(rapport.EINVALID, "That is not this server's token.")
	}
	v, exp, err := t.newSession()
	if err != nil {
		return nil, err
	}
	return &http.Cookie{Name: sessionCookie, Value: v, Path: "/", Expires: exp, HttpOnly: true,
		Secure: secureRequest(r), SameSite: http.SameSiteStrictMode}, nil
}

// Logout implements Authenticator.
func (t *TokenAuth) Logout(r *http.Request) *http.Cookie {
	return &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: secureRequest(r), SameSite: http.SameSiteStrictMode}
}

// secureRequest reports whether the browser reached us over TLS, directly or
// through a proxy that says so: the session cookie is then marked Secure. A
// Secure cookie set over plain HTTP would be dropped by the browser, so over
// plain HTTP (which `serve` warns about off loopback) it is not.
func secureRequest(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// flashes sign the status messages the server puts in a redirect, so that a
// link cannot make the page show text of someone else's choosing.
type flashes struct{ key [32]byte }

func newFlashes() (*flashes, error) {
	f := &flashes{}
	_, err := rand.Read(f.key[:])
	return f, err
}

func (f *flashes) mac(msg string) string {
	m := hmac.New(sha256.New, f.key[:])
	m.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// url returns path with msg as its flash.
func (f *flashes) url(path, msg string) string {
	path, frag, _ := strings.Cut(path, "#")
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&" // a path that has a query of its own keeps it
	}
	out := path + sep + "flash=" + url.QueryEscape(msg) + "&fs=" + f.mac(msg)
	if frag != "" {
		out += "#" + frag
	}
	return out
}

// read returns the request's flash if the server signed it.
func (f *flashes) read(r *http.Request) string {
	q := r.URL.Query()
	msg := q.Get("flash")
	if msg == "" || !hmac.Equal([]byte(q.Get("fs")), []byte(f.mac(msg))) {
		return ""
	}
	return msg
}
