package web

import (
	"errors"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
)

// passkeyCookie holds the secret of a passkey ceremony under way, from the
// options to the browser's answer.
const passkeyCookie = "rapport_passkey"

// relyingParty is this site as the browser sees it: passkeys are bound to
// the host name the member signs in at.
func relyingParty(r *http.Request) app.RelyingParty {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	scheme := "http"
	if secureRequest(r) {
		scheme = "https"
	}
	return app.RelyingParty{ID: host, Origin: scheme + "://" + r.Host}
}

// ceremonyCookie hands the browser a ceremony's secret, or takes it back.
func ceremonyCookie(r *http.Request, secret string) *http.Cookie {
	c := &http.Cookie{Name: passkeyCookie, Value: secret, Path: "/", HttpOnly: true, Secure: secureRequest(r),
		SameSite: http.SameSiteStrictMode, MaxAge: int((5 * time.Minute).Seconds())}
	if secret == "" {
		c.MaxAge = -1
	}
	return c
}

// passkeyBody reads a browser's answer (JSON, small).
func passkeyBody(w http.ResponseWriter, r *http.Request) ([]byte, string, error) {
	c, err := r.Cookie(passkeyCookie)
	if err != nil || c.Value == "" {
		return nil, "", rapport.Errorf(rapport.EINVALID, "no passkey request under way: start again")
	}
	http.SetCookie(w, ceremonyCookie(r, ""))
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	return b, c.Value, err
}

// passkeyJSON answers a passkey step: the options the browser passes on, or
// an error in the API's shape.
func passkeyJSON(w http.ResponseWriter, r *http.Request, options []byte, secret string, err error) {
	if err != nil {
		apiError(w, status(err), err)
		return
	}
	http.SetCookie(w, ceremonyCookie(r, secret))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(options)
}

// passkeyOptions starts adding a passkey for the member signed in.
func (s *Server) passkeyOptions(w http.ResponseWriter, r *http.Request) {
	opts, secret, err := s.app.BeginPasskey(r.Context(), MemberOf(r.Context()), relyingParty(r))
	passkeyJSON(w, r, opts, secret, err)
}

// addPasskey stores the passkey the browser made (?name= names it).
func (s *Server) addPasskey(w http.ResponseWriter, r *http.Request) {
	body, secret, err := passkeyBody(w, r)
	if err != nil {
		apiError(w, status(err), err)
		return
	}
	p, err := s.app.FinishPasskey(r.Context(), MemberOf(r.Context()), relyingParty(r), secret, r.URL.Query().Get("name"), body)
	if err != nil {
		apiError(w, status(err), err)
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

// removePasskey removes one of the signed-in member's passkeys.
func (s *Server) removePasskey(r *http.Request) (string, error) {
	if err := s.app.RemovePasskey(r.Context(), MemberOf(r.Context()), r.PathValue("id")); err != nil {
		return "", err
	}
	return s.flash.url("/settings#team-h", "The passkey is removed: it signs no one in any more."), nil
}

// passkeySignInOptions starts a sign-in with a passkey (anyone may).
func (s *Server) passkeySignInOptions(w http.ResponseWriter, r *http.Request) {
	if _, team := s.opts.Auth.(*TeamAuth); !team {
		apiError(w, http.StatusNotFound, rapport.Errorf(rapport.ENOTFOUND, "passkeys sign members of a team's server in"))
		return
	}
	opts, secret, err := s.app.BeginPasskeySignIn(r.Context(), relyingParty(r))
	passkeyJSON(w, r, opts, secret, err)
}

// passkeySignIn checks the browser's answer and signs its member in: a
// session cookie, and where to go next.
func (s *Server) passkeySignIn(w http.ResponseWriter, r *http.Request) {
	t, team := s.opts.Auth.(*TeamAuth)
	if !team {
		apiError(w, http.StatusNotFound, rapport.Errorf(rapport.ENOTFOUND, "passkeys sign members of a team's server in"))
		return
	}
	ip, _, _ := net.SplitHostPort(r.RemoteAddr)
	if !s.logins.allow(ip) {
		w.Header().Set("Retry-After", "60")
		apiError(w, http.StatusTooManyRequests, rapport.Errorf(rapport.EINVALID, "too many failed sign-ins: wait a minute"))
		return
	}
	body, secret, err := passkeyBody(w, r)
	var m *app.Member
	if err == nil {
		m, err = s.app.FinishPasskeySignIn(r.Context(), relyingParty(r), secret, body)
	}
	var c *http.Cookie
	if err == nil {
		c, err = t.cookie(r, m.ID)
	}
	if err != nil {
		s.logins.fail(ip)
		code := status(err)
		var mbe *http.MaxBytesError
		if code < 500 && !errors.As(err, &mbe) {
			code = http.StatusUnauthorized
		}
		apiError(w, code, err)
		return
	}
	http.SetCookie(w, c)
	writeJSON(w, http.StatusOK, map[string]string{"next": localPath(r.URL.Query().Get("next"), "/")})
}
