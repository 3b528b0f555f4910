package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
)

// pageData is what every page template gets.
type pageData struct {
	Title string
	Nav   string // the active section
	Flash string
	Error string
	Data  any
}

func parsePages(zone func() *time.Location) (map[string]*template.Template, error) {
	funcs := funcsIn(zone)
	names, err := templateFS.ReadDir("templates")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(n.Name(), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+n.Name())
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", n.Name(), err)
		}
		out[name] = t
	}
	return out, nil
}

// funcsIn are the templates' functions; dates are shown in the user's zone.
func funcsIn(zone func() *time.Location) template.FuncMap {
	return template.FuncMap{
		"date": func(t any) string {
			switch v := t.(type) {
			case time.Time:
				return v.In(zone()).Format("2 Jan 2006")
			case *time.Time:
				if v == nil {
					return "never"
				}
				return v.In(zone()).Format("2 Jan 2006")
			}
			return ""
		},
		"isodate":  func(t time.Time) string { return t.In(zone()).Format("2006-01-02") },
		"pct":      func(v float64) string { return strconv.FormatFloat(min(100, max(0, v)), 'f', 0, 64) },
		"join":     strings.Join,
		"add":      func(a, b int) int { return a + b },
		"initials": initials,
		// component says what one part of a strength is, for a newcomer.
		"component": func(name string) string {
			return map[string]string{
				"depth":         "what you have done together lately: calls, meals, messages, favours, weighed by time spent",
				"light_touches": "likes, comments and views: they count, but little, and never make a close tie",
				"reciprocity":   "a bonus when both sides reach out and give, not only you",
				"history":       "how long you have known each other and in how many ways (in person, calls, writing)",
			}[name]
		},
		"days":   app.Days,
		"sub":    func(a, b int) int { return a - b },
		"one":    func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) },
		"signed": func(v int) string { return fmt.Sprintf("%+d", v) },
		"bar":    strengthBar,
		"deref": func(p *float64) float64 {
			if p == nil {
				return 0
			}
			return *p
		},
		"layerClass": func(l string) string {
			switch l {
			case "inner", "close", "active":
				return "layer-" + l
			}
			return "layer-known"
		},
	}
}

// render writes a page, buffered so a template error becomes a clean 500.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, name string, d pageData) {
	if d.Flash == "" {
		d.Flash = s.flash.read(r)
	}
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout.html", d); err != nil {
		s.log.Error("render page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// page adapts a handler that returns a template name and its data.
func (s *Server) page(fn func(r *http.Request) (string, pageData, error)) http.HandlerFunc {
	return s.pageUpTo(maxBody, fn)
}

// pageUpTo is page with a body limit of its own (uploads).
func (s *Server) pageUpTo(limit int64, fn func(r *http.Request) (string, pageData, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		name, d, err := fn(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, name, d)
	}
}

// form adapts a handler of a posted form that redirects when it succeeds
// (post, redirect, get: reloading never posts twice).
func (s *Server) form(fn func(r *http.Request) (string, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		if err := r.ParseForm(); err != nil {
			s.fail(w, r, rapport.Errorf(rapport.EINVALID, "could not read the form: %v", err))
			return
		}
		to, err := fn(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.changed(r.Context())
		http.Redirect(w, r, to, http.StatusSeeOther)
	}
}

// size says a byte count as a person would.
func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// fieldLabels name the forms' fields as the pages label them; others are
// named by their key, in words.
var fieldLabels = map[string]string{"at": "When", "due": "Due", "text": "The text", "note": "The note", "notes": "A note",
	"minutes": "Minutes", "cadence": "The rhythm in days", "keep": "The layer to keep them in", "since": "From", "until": "Until",
	"offers": "An offer", "rm_offers": "The offer to remove", "days": "Days", "threshold": "The threshold", "replace": "Start over"}

// typed reads what a page's form or an API body carries as text (dates,
// minutes, sides) into the app's types, against the app's clock in the
// user's zone; its errors name the field, which a page shows by its label
// (fieldLabel) and the API as is.
func (s *Server) typed() *rapport.Form { return &rapport.Form{Now: s.app.Local()} }

// fieldLabel names a field for a web page.
func fieldLabel(field string) string {
	if l, ok := fieldLabels[field]; ok {
		return l
	}
	l := strings.ReplaceAll(field, "_", " ")
	return strings.ToUpper(l[:1]) + l[1:]
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := status(err)
	msg := rapport.FieldMessage(err, fieldLabel)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		msg = fmt.Sprintf("The request was larger than the %s allowed.", size(mbe.Limit))
	}
	if code == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "2")
	}
	if code >= 500 {
		s.log.Error("request failed", "path", r.URL.Path, "err", err)
		msg = "Something went wrong on our side; nothing was changed."
	}
	s.render(w, r, code, "error", pageData{Title: "Could not do that", Error: msg})
}
