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
}

func (s *Server) settingsPage(r *http.Request) (string, pageData, error) {
	ctx := r.Context()
	v := settingsView{}
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
	return "settings", pageData{Title: "Settings", Nav: "settings", Data: v}, nil
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
