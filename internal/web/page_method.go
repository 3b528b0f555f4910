package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
)

type askView struct {
	Person, Action, Note string
	Result               *app.AskResult
	Kinds                []rapport.Kind
}

func (s *Server) askPage(r *http.Request) (string, pageData, error) {
	kinds, err := s.app.Kinds(r.Context())
	if err != nil {
		return "", pageData{}, err
	}
	q := r.URL.Query()
	return "ask", pageData{Title: "Ask", Nav: "ask", Data: askView{Person: q.Get("person"), Action: q.Get("action"), Kinds: kinds}}, nil
}

// askPost shows the guard's verdict (check) or records the ask.
func (s *Server) askPost(r *http.Request) (string, pageData, error) {
	if err := r.ParseForm(); err != nil {
		return "", pageData{}, rapport.Errorf(rapport.EINVALID, "could not read the form: %v", err)
	}
	f := r.PostForm
	v := askView{Person: f.Get("person"), Action: f.Get("action"), Note: f.Get("note")}
	var err error
	if v.Kinds, err = s.app.Kinds(r.Context()); err != nil {
		return "", pageData{}, err
	}
	record := f.Get("do") == "record" || f.Get("do") == "force"
	res, err := s.app.Ask(r.Context(), app.AskInput{Ref: v.Person, Action: v.Action, Note: v.Note, Check: !record, Force: f.Get("do") == "force"})
	if err != nil {
		return "", pageData{}, err
	}
	v.Result = res
	d := pageData{Title: "Ask", Nav: "ask", Data: v}
	if res.Recorded {
		s.changed(r.Context())
		d.Flash = "Ask recorded. Answer it from the command line (rapport answer) when they reply."
	}
	return "ask", d, nil
}

type goalsView struct {
	Goals []*app.GoalView
}

func (s *Server) goalsPage(r *http.Request) (string, pageData, error) {
	gs, err := s.app.Goals(r.Context())
	if err != nil {
		return "", pageData{}, err
	}
	v := goalsView{}
	for _, g := range gs {
		if g.Done != nil {
			continue
		}
		gv, err := s.app.ShowGoal(r.Context(), g.ID, 5)
		if err != nil {
			return "", pageData{}, err
		}
		v.Goals = append(v.Goals, gv)
	}
	return "goals", pageData{Title: "Goals", Nav: "goals", Data: v}, nil
}

func (s *Server) addGoal(r *http.Request) (string, error) {
	due, err := rapport.ReadTime(s.app.Local(), "due", r.PostForm.Get("due"))
	if err != nil {
		return "", err
	}
	g, err := s.app.AddGoal(r.Context(), r.PostForm.Get("text"), fields(r.PostForm.Get("tags")), due)
	if err != nil {
		return "", err
	}
	return s.flash.url("/goals", "Goal added: "+g.Text), nil
}

func (s *Server) goalDone(r *http.Request) (string, error) {
	if _, err := s.app.GoalDone(r.Context(), r.PathValue("id")); err != nil {
		return "", err
	}
	return s.flash.url("/goals", "Goal done."), nil
}

type assignmentView struct {
	Assignment *app.AssignmentView
	Goals      []rapport.Goal
}

func (s *Server) assignmentPage(r *http.Request) (string, pageData, error) {
	v := assignmentView{}
	var err error
	if v.Assignment, err = s.app.Assignment(r.Context()); err != nil && rapport.ErrorCode(err) != rapport.ENOTFOUND {
		return "", pageData{}, err
	}
	if v.Goals, err = s.app.Goals(r.Context()); err != nil {
		return "", pageData{}, err
	}
	return "assignment", pageData{Title: "The 5 + 5 assignment", Nav: "assignment", Data: v}, nil
}

func (s *Server) newAssignment(r *http.Request) (string, error) {
	if _, err := s.app.NewAssignment(r.Context(), r.PostForm.Get("goal"), 30, r.PostForm.Get("replace") != ""); err != nil {
		return "", err
	}
	return s.flash.url("/assignment", "A new assignment for the next 30 days."), nil
}

type networkView struct {
	Topic, IntroRef string
	Learn           *app.Learn
	Intro           *app.Intro
	Leads           []app.Lead
	LeadsNote       string
}

func (s *Server) networkPage(r *http.Request) (string, pageData, error) {
	ctx, q := r.Context(), r.URL.Query()
	v := networkView{Topic: strings.TrimSpace(q.Get("topic")), IntroRef: strings.TrimSpace(q.Get("intro"))}
	var err error
	if v.Topic != "" {
		if v.Learn, err = s.app.Learn(ctx, v.Topic, 3, 20); err != nil {
			return "", pageData{}, err
		}
	}
	if v.IntroRef != "" {
		if v.Intro, err = s.app.Intro(ctx, v.IntroRef, 5); err != nil {
			return "", pageData{}, err
		}
	}
	if v.Leads, err = s.app.Leads(ctx, "", 20); err != nil {
		if rapport.ErrorCode(err) != rapport.EINVALID {
			return "", pageData{}, err
		}
		v.LeadsNote = "Add a goal to see who, among the people your close ties know, could help with it."
	}
	return "network", pageData{Title: "Learn and reach", Nav: "network", Data: v}, nil
}

func (s *Server) addTrust(r *http.Request) (string, error) {
	f := r.PostForm
	rank := 1
	if v := strings.TrimSpace(f.Get("rank")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return "", rapport.FieldErrorf(rapport.EINVALID, "rank", "%q: expected 1 (most) to 5", v)
		}
		rank = n
	}
	t, err := s.app.Trust(r.Context(), f.Get("topic"), f.Get("person"), rank, f.Get("by"))
	if err != nil {
		return "", err
	}
	who := "you trust"
	if t.By.Name != "" {
		who = t.By.Name + " trusts"
	}
	return s.flash.url("/network?topic="+url.QueryEscape(t.Topic), "Saved whom "+who+" on "+t.Topic+"."), nil
}

func (s *Server) addKnows(r *http.Request) (string, error) {
	f := r.PostForm
	strength := 50.0
	if v := strings.TrimSpace(f.Get("strength")); v != "" {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return "", rapport.FieldErrorf(rapport.EINVALID, "strength", "%q: expected 0 to 100", v)
		}
		strength = x
	}
	if err := s.app.Knows(r.Context(), f.Get("a"), f.Get("b"), strength); err != nil {
		return "", err
	}
	return s.flash.url("/network", "Saved."), nil
}

// slotOf reads the slot number of an assignment route.
func slotOf(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("slot"))
	if err != nil || n < 1 || n > 10 {
		return 0, rapport.FieldErrorf(rapport.EINVALID, "slot", "%q: expected 1 to 10", r.PathValue("slot"))
	}
	return n, nil
}

func (s *Server) swapSlot(r *http.Request) (string, error) {
	n, err := slotOf(r)
	if err != nil {
		return "", err
	}
	if _, err := s.app.SwapSlot(r.Context(), n, r.PostForm.Get("person")); err != nil {
		return "", err
	}
	return s.flash.url("/assignment", fmt.Sprintf("Slot %d changed: say what you will offer them.", n)), nil
}

func (s *Server) offerSlot(r *http.Request) (string, error) {
	n, err := slotOf(r)
	if err != nil {
		return "", err
	}
	if _, err := s.app.OfferSlot(r.Context(), n, r.PostForm.Get("offer"), r.PostForm.Get("action")); err != nil {
		return "", err
	}
	return s.flash.url("/assignment", fmt.Sprintf("Slot %d: offer saved.", n)), nil
}
