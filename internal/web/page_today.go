package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
)

type todayView struct {
	FirstRun   bool // nobody here yet: the way in
	Plan       *app.PlanView
	Followups  []app.FollowupView
	Overdue    []app.Overdue
	Assignment *app.AssignmentView
}

func (s *Server) buildToday(ctx context.Context) (*todayView, error) {
	v := &todayView{}
	var err error
	if v.Plan, err = s.app.Plan(ctx, false, 0); err != nil {
		return nil, err
	}
	n, err := s.app.CountPeople(ctx)
	if err != nil {
		return nil, err
	}
	v.FirstRun = n == 0
	if v.Followups, err = s.app.Followups(ctx, false); err != nil {
		return nil, err
	}
	if v.Overdue, err = s.app.Overdue(ctx); err != nil {
		return nil, err
	}
	if len(v.Overdue) > 10 {
		v.Overdue = v.Overdue[:10]
	}
	if v.Assignment, err = s.app.Assignment(ctx); err != nil {
		if rapport.ErrorCode(err) != rapport.ENOTFOUND {
			return nil, err
		}
		v.Assignment = nil
	}
	return v, nil
}

func (s *Server) todayPage(r *http.Request) (string, pageData, error) {
	v, err := s.viewsOf(r.Context()).today.get(r.Context())
	if err != nil {
		return "", pageData{}, err
	}
	return "today", pageData{Title: "Today", Nav: "today", Data: v}, nil
}

// planDone logs a plan item as done (an interaction of its kind, begun by
// you, noted with the action) and closes the follow-up it kept.
func (s *Server) planDone(r *http.Request) (string, error) {
	f, t := r.PostForm, s.typed()
	d := app.PlanDone{Ref: f.Get("person"), Kind: f.Get("kind"), Action: f.Get("action"), Followup: f.Get("followup"), Give: f.Get("give") != "",
		Minutes: rapport.Value(t.Minutes("minutes", f.Get("minutes"))), Note: f.Get("note")}
	if err := t.Err(); err != nil {
		return "", err
	}
	in, already, err := s.app.DonePlanItem(r.Context(), d)
	if err != nil {
		return "", err
	}
	if already {
		return s.flash.url("/", fmt.Sprintf("Already done today: %s with %s.", in.Kind, in.People[0].Name)), nil
	}
	return s.flash.url("/", fmt.Sprintf("Done: %s with %s.", in.Kind, in.People[0].Name)), nil
}

// snooze rests a person out of plans and overdue for a while (a week by
// default): "not now".
func (s *Server) snooze(r *http.Request) (string, error) {
	until := r.PostForm.Get("until")
	if until == "" {
		until = "in 7 days"
	}
	to, err := rapport.ReadTime(s.app.Local(), "until", until)
	if err != nil {
		return "", err
	}
	who, t, err := s.app.Snooze(r.Context(), r.PathValue("id"), to)
	if err != nil {
		return "", err
	}
	msg := fmt.Sprintf("%s is back in your plans on %s.", who.Name, t.In(s.app.Zone()).Format("2 Jan"))
	return s.flash.url(localPath(r.PostForm.Get("back"), "/"), msg), nil
}
