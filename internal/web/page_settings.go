package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
)

type settingsView struct {
	Offers   []string // what you can give
	Budget   *app.Budget
	Settings []app.Setting
	Kinds    []rapport.Kind
	Devices  []app.AppToken      // app passwords for the address book
	Removed  []app.DeviceRemoval // people a device deleted, to decide about
	Sources  []app.SyncSource    // mailboxes captured, and their last runs
	// NewName and NewSecret are an app password just made: shown once.
	NewName, NewSecret string
	// On a team's server: who is signed in, the members, and a sign-in link
	// just made for one (shown once).
	Me         *app.Member
	Members    []app.Member
	Invited    *app.Invitation
	InviteLink string
	// ShareContent: the member shows teammates what their interactions say.
	ShareContent bool
	Passkeys     []app.Passkey
}

func (s *Server) settingsPage(r *http.Request) (string, pageData, error) {
	return s.settingsWith(r, settingsView{})
}

// settingsWith is the settings page, with v's new app password if any.
func (s *Server) settingsWith(r *http.Request, v settingsView) (string, pageData, error) {
	ctx := r.Context()
	var err error
	if v.Budget, err = s.app.Budget(ctx); err != nil {
		return "", pageData{}, err
	}
	me, err := s.app.EditMe(ctx, nil, nil)
	if err != nil {
		return "", pageData{}, err
	}
	v.Offers = me.Offers
	if v.Settings, err = s.app.Config(ctx); err != nil {
		return "", pageData{}, err
	}
	if v.Kinds, err = s.app.Kinds(ctx); err != nil {
		return "", pageData{}, err
	}
	if v.Devices, err = s.app.AppTokens(ctx); err != nil {
		return "", pageData{}, err
	}
	if v.Removed, err = s.app.DeviceRemovals(ctx); err != nil {
		return "", pageData{}, err
	}
	if v.Sources, err = s.app.SyncSources(ctx); err != nil {
		return "", pageData{}, err
	}
	if v.Me = MemberOf(ctx); v.Me != nil {
		if v.Members, err = s.app.Members(ctx, v.Me.Workspace.ID); err != nil {
			return "", pageData{}, err
		}
		if v.ShareContent, err = s.app.ShareContent(ctx); err != nil {
			return "", pageData{}, err
		}
		if v.Passkeys, err = s.app.Passkeys(ctx, v.Me); err != nil {
			return "", pageData{}, err
		}
	}
	return "settings", pageData{Title: "Settings", Nav: "settings", Data: v}, nil
}

// createDevice makes an app password and shows it on the page it answers
// with, once: never in a redirect's URL or a flash.
func (s *Server) createDevice(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, rapport.Errorf(rapport.EINVALID, "could not read the form: %v", err))
		return
	}
	t, secret, err := s.app.CreateAppToken(r.Context(), r.PostForm.Get("name"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name, data, err := s.settingsWith(r, settingsView{NewName: t.Name, NewSecret: secret})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, name, data)
}

func (s *Server) revokeDevice(r *http.Request) (string, error) {
	t, err := s.app.RevokeAppToken(r.Context(), r.PathValue("id"))
	if err != nil {
		return "", err
	}
	return s.flash.url("/settings#devices-h", "Revoked "+t.Name+": that device is refused from now on."), nil
}

// keepOnDevices puts a person a device deleted back in the address book.
func (s *Server) keepOnDevices(r *http.Request) (string, error) {
	who, err := s.app.KeepOnDevices(r.Context(), r.PathValue("id"))
	if err != nil {
		return "", err
	}
	return s.flash.url(localPath(r.PostForm.Get("back"), "/settings#devices-h"), who.Name+" is back in the address book."), nil
}

func (s *Server) saveSettings(r *http.Request) (string, error) {
	ctx := r.Context()
	f := r.PostForm
	t := s.typed()
	in := app.SettingsInput{Day: t.Minutes("day", f.Get("day")), Week: t.Minutes("week", f.Get("week")), Config: map[string]string{}}
	if err := t.Err(); err != nil {
		return "", err
	}
	current, err := s.app.Config(ctx)
	if err != nil {
		return "", err
	}
	for _, st := range current {
		if f.Get("reset."+st.Key) != "" {
			in.Config[st.Key] = "default"
		} else if v := strings.TrimSpace(f.Get("cfg." + st.Key)); f.Has("cfg."+st.Key) && v != st.Value {
			in.Config[st.Key] = v
		}
	}
	if err := s.app.UpdateSettings(ctx, in); err != nil {
		return "", err
	}
	return s.flash.url("/settings", "Settings saved."), nil
}

// saveOffers adds the offers typed (one per line) and removes those ticked.
func (s *Server) saveOffers(r *http.Request) (string, error) {
	if _, err := s.app.EditMe(r.Context(), lines(r.PostForm.Get("add")), r.PostForm["rm"]); err != nil {
		return "", err
	}
	return s.flash.url("/settings#offers-h", "Your offers are saved: plans and assignments match them to what people want."), nil
}

func (s *Server) saveRung(r *http.Request) (string, error) {
	f := r.PostForm
	e := app.RungEdit{}
	if v := strings.TrimSpace(f.Get("threshold")); v != "" {
		t, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return "", rapport.Errorf(rapport.EINVALID, "threshold %q: expected a number", v)
		}
		e.Threshold = &t
	}
	if v := strings.TrimSpace(f.Get("minutes")); v != "" {
		m, err := strconv.Atoi(v)
		if err != nil {
			return "", rapport.Errorf(rapport.EINVALID, "minutes %q: expected a whole number", v)
		}
		e.Minutes = &m
	}
	k, err := s.app.LadderSet(r.Context(), f.Get("action"), e)
	if err != nil {
		return "", err
	}
	return s.flash.url("/settings", "Rung "+k.Name+" saved."), nil
}

// invite adds a member from the settings page (an owner or an admin) and
// shows their sign-in link, once.
func (s *Server) invite(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, rapport.Errorf(rapport.EINVALID, "could not read the form: %v", err))
		return
	}
	inv, err := s.app.InviteAs(r.Context(), MemberOf(r.Context()), r.PostForm.Get("email"), r.PostForm.Get("role"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	scheme := "http"
	if secureRequest(r) {
		scheme = "https"
	}
	name, data, err := s.settingsWith(r, settingsView{Invited: inv, InviteLink: scheme + "://" + r.Host + inv.Link})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, name, data)
}

// shareContent turns on or off showing teammates what one's interactions say.
func (s *Server) shareContent(r *http.Request) (string, error) {
	on := r.PostForm.Get("content") == "on"
	if err := s.app.SetShareContent(r.Context(), on); err != nil {
		return "", err
	}
	msg := "Your teammates see who, when and how of your interactions, not what they say."
	if on {
		msg = "Your teammates see what your interactions say too."
	}
	return s.flash.url("/settings#team-h", msg), nil
}

// setPassword sets the signed-in member's password.
func (s *Server) setPassword(r *http.Request) (string, error) {
	if err := s.app.SetPassword(r.Context(), MemberOf(r.Context()), r.PostForm.Get("password")); err != nil {
		return "", err
	}
	return s.flash.url("/settings#team-h", "Your password is set: sign in with your email and it from now on."), nil
}
