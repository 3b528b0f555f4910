package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
)

// TeamAuth signs a workspace's members in: a personal API token as a bearer
// token (scripts, the API), or a browser session, begun by a one-time
// sign-in link (/signin/SECRET) or a personal token typed on the login page,
// and signed with the workspace's session key.
type TeamAuth struct {
	app *app.App
	key []byte
	now func() time.Time
}

// NewTeamAuth returns the members' authenticator.
func NewTeamAuth(ctx context.Context, a *app.App, now func() time.Time) (*TeamAuth, error) {
	key, err := a.SessionKey(ctx)
	if err != nil {
		return nil, err
	}
	return &TeamAuth{app: a, key: []byte(key), now: now}, nil
}

func (t *TeamAuth) sign(msg []byte) []byte {
	m := hmac.New(sha256.New, t.key)
	m.Write([]byte("rapport member session\x00"))
	m.Write(msg)
	return m.Sum(nil)
}

// session is a member's id, an expiry and a nonce, signed.
func (t *TeamAuth) session(memberID string) (string, time.Time, error) {
	exp := t.now().Add(sessionFor)
	msg := make([]byte, 8+16, 8+16+len(memberID))
	binary.BigEndian.PutUint64(msg, uint64(exp.Unix()))
	if _, err := rand.Read(msg[8:24]); err != nil {
		return "", exp, err
	}
	msg = append(msg, memberID...)
	return base64.RawURLEncoding.EncodeToString(append(t.sign(msg), msg...)), exp, nil
}

// member reads a session: the member's id, if it is valid.
func (t *TeamAuth) member(v string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) < sha256.Size+24 {
		return "", false
	}
	mac, msg := b[:sha256.Size], b[sha256.Size:]
	if !hmac.Equal(mac, t.sign(msg)) || t.now().Unix() >= int64(binary.BigEndian.Uint64(msg)) {
		return "", false
	}
	return string(msg[24:]), true
}

// Allowed implements Authenticator.
func (t *TeamAuth) Allowed(r *http.Request) bool {
	_, ok := t.Member(r)
	return ok
}

// Member returns the member a request comes from: its bearer token's, or
// its session's.
func (t *TeamAuth) Member(r *http.Request) (*app.Member, bool) {
	if a := r.Header.Get("Authorization"); a != "" {
		tok, ok := strings.CutPrefix(a, "Bearer ")
		if !ok {
			return nil, false
		}
		m, ok, err := t.app.MemberForToken(r.Context(), tok)
		return m, err == nil && ok
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, false
	}
	id, ok := t.member(c.Value)
	if !ok {
		return nil, false
	}
	m, err := t.app.MemberByID(r.Context(), id)
	return m, err == nil // a member removed since is out
}

// MemberOf is the member a request was signed in as (nil off a team's
// server): what the handlers act as (app.MemberFrom).
func MemberOf(ctx context.Context) *app.Member { return app.MemberFrom(ctx) }

func (t *TeamAuth) cookie(r *http.Request, memberID string) (*http.Cookie, error) {
	v, exp, err := t.session(memberID)
	if err != nil {
		return nil, err
	}
	return &http.Cookie{Name: sessionCookie, Value: v, Path: "/", Expires: exp, HttpOnly: true,
		Secure: secureRequest(r), SameSite: http.SameSiteLaxMode}, nil
}

// Login implements Authenticator: the form's email and password, or its
// "token" field, a personal API token.
func (t *TeamAuth) Login(r *http.Request) (*http.Cookie, error) {
	if email := r.PostForm.Get("email"); email != "" {
		m, ok, err := t.app.CheckPassword(r.Context(), email, r.PostForm.Get("password"))
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, rapport.Errorf(rapport.EINVALID, "That email and password do not match a member (no password yet? use your sign-in link).")
		}
		return t.cookie(r, m.ID)
	}
	m, ok, err := t.app.MemberForToken(r.Context(), r.PostForm.Get("token"))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, rapport.Errorf(rapport.EINVALID, "That is not a member's token: use your sign-in link, or ask an admin for a token.")
	}
	return t.cookie(r, m.ID)
}

// Logout implements Authenticator.
func (t *TeamAuth) Logout(r *http.Request) *http.Cookie {
	return &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: secureRequest(r), SameSite: http.SameSiteLaxMode}
}

// signIn trades a one-time sign-in link for a session.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	t, ok := s.opts.Auth.(*TeamAuth)
	if !ok {
		s.render(w, r, http.StatusNotFound, "error", pageData{Title: "Not found", Error: "This server has no team to sign in to."})
		return
	}
	m, err := s.app.SignIn(r.Context(), r.PathValue("secret"))
	if err != nil {
		s.render(w, r, http.StatusUnauthorized, "login", pageData{Title: "Sign in", Error: rapport.ErrorMessage(err), Data: loginView{Next: "/"}})
		return
	}
	c, err := t.cookie(r, m.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, c)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// spaces are the servers of a team's workspaces, one each over the
// workspace's own App (its schema, see app.Workspace), made when a member of
// it first arrives. The front server signs members in and hands each
// request to their workspace's server: no handler can reach another
// workspace's data, because its App cannot.
type spaces struct {
	dir  *app.App
	log  *slog.Logger
	opts Options

	mu sync.Mutex
	by map[string]*Server
}

// of is the server of a member's workspace.
func (sp *spaces) of(ctx context.Context, m *app.Member) (*Server, error) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if s := sp.by[m.Workspace.ID]; s != nil {
		return s, nil
	}
	wa, err := sp.dir.Workspace(ctx, m.Workspace.ID)
	if err != nil {
		return nil, err
	}
	o := sp.opts
	o.inner = true
	s, err := New(ctx, wa, sp.log, o)
	if err != nil {
		wa.Close()
		return nil, err
	}
	sp.by[m.Workspace.ID] = s
	return s, nil
}

// serve hands a member's request to their workspace's server.
func (sp *spaces) serve(w http.ResponseWriter, r *http.Request, m *app.Member) {
	s, err := sp.of(r.Context(), m)
	if err != nil {
		sp.log.Error("open a workspace", "workspace", m.Workspace.Name, "err", err)
		http.Error(w, "Could not open your workspace.", http.StatusInternalServerError)
		return
	}
	s.inner.ServeHTTP(w, r.WithContext(app.WithMember(r.Context(), m)))
}

// close closes every workspace's server and App.
func (sp *spaces) close() error {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	var errs []error
	for id, s := range sp.by {
		errs = append(errs, s.Close(), s.app.Close())
		delete(sp.by, id)
	}
	return errors.Join(errs...)
}

// davMember is the member whose personal token a request to the address
// book carries as its password (HTTP Basic, any user name).
func (t *TeamAuth) davMember(r *http.Request) (*app.Member, bool) {
	_, secret, ok := r.BasicAuth()
	if !ok {
		return nil, false
	}
	m, ok, err := t.app.MemberForDevice(r.Context(), secret)
	return m, err == nil && ok
}
