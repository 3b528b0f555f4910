package web

import (
	"context"
	"html/template"
	"net/http"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
)

type ladderView struct {
	*app.Ladder
	Chart   template.HTML
	History template.HTML
	Pending bool
}

func (s *Server) ladderPage(r *http.Request) (string, pageData, error) {
	l, err := s.viewsOf(r.Context()).ladder.get(r.Context())
	if err != nil {
		return "", pageData{}, err
	}
	v := ladderView{Ladder: l, Chart: ladderChart(l)}
	if h, ok := s.history(r.Context()); ok {
		v.History = historyChart(h, l, s.app.Zone())
	} else {
		v.Pending = true
	}
	return "ladder", pageData{Title: "The ladder", Nav: "ladder", Data: v}, nil
}

// history returns the ladder's last months if they are built, and starts
// building them if not: rebuilding months of history can take seconds on a
// large network, and the ladder page must not wait for it.
func (s *Server) history(ctx context.Context) ([]app.LadderPoint, bool) {
	hist := s.viewsOf(ctx).hist
	hist.mu.Lock()
	have, val, building := hist.have, hist.val, hist.building
	if !have && !building {
		hist.building = true
		go func() {
			key, err := hist.version(context.WithoutCancel(ctx))
			if err == nil {
				if _, err := hist.fill(context.WithoutCancel(ctx), key); err != nil {
					s.log.Error("ladder history", "err", err)
				}
			}
			hist.mu.Lock()
			hist.building = false
			hist.mu.Unlock()
		}()
	}
	hist.mu.Unlock()
	if have {
		go func() { _, _ = hist.get(context.WithoutCancel(ctx)) }() // refreshes in the background when stale
	}
	return val, have
}

type reportView struct {
	*app.Report
	Since, Until  string
	MinutesChart  template.HTML
	RungsChart    template.HTML
	ContactsDelta int
}

func (s *Server) reportPage(r *http.Request) (string, pageData, error) {
	q := r.URL.Query()
	since, until, err := rapport.ReadPeriod(s.app.Local(), q.Get("since"), q.Get("until"))
	if err != nil {
		return "", pageData{}, err
	}
	rep, err := s.app.Report(r.Context(), since, until)
	if err != nil {
		return "", pageData{}, err
	}
	v := reportView{Report: rep, Since: rep.Since.In(s.app.Zone()).Format("2006-01-02"), Until: rep.Until.In(s.app.Zone()).Format("2006-01-02"),
		MinutesChart: minutesChart(rep.Minutes), RungsChart: rungMovesChart(rep.Rungs), ContactsDelta: rep.ContactsEnd - rep.ContactsStart}
	return "report", pageData{Title: "Report", Nav: "report", Data: v}, nil
}
