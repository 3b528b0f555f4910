package web

import (
	"fmt"
	"html/template"
	"sort"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
)

// Charts are SVG drawn here: no script, readable without colour (every
// figure is also written as text), and scaled by the browser.

var esc = template.HTMLEscapeString

// strengthBar is a small horizontal gauge of a strength 0–100.
func strengthBar(v float64) template.HTML {
	w := min(100, max(0, v))
	return template.HTML(fmt.Sprintf(`<meter class="gauge" min="0" max="100" low="25" high="60" optimum="100" value="%.0f" aria-hidden="true">%.0f</meter>`, w, w))
}

// bar is one proportional bar, v of maxV, drawn in a box that takes the
// width its cell gives it: the text beside it stays text, readable on a
// phone, and the bar keeps its proportion at any width.
func bar(v, maxV int, class string) string {
	w := 0.0
	if maxV > 0 {
		w = float64(v) / float64(maxV) * 1000
	}
	return fmt.Sprintf(`<svg class="bar" viewBox="0 0 1000 10" preserveAspectRatio="none" aria-hidden="true"><rect width="%.1f" height="10" class="%s"/></svg>`, max(4, w), class)
}

// ladderChart is the ladder as a table: each rung, highest first, with the
// people at or above it drawn beside all contacts — the picture of the whole
// product.
func ladderChart(l *app.Ladder) template.HTML {
	var b strings.Builder
	fmt.Fprintf(&b, `<table class="plain rungs ladder-chart"><caption>Bar length: people, in proportion to all %d contacts.</caption>`, l.Contacts)
	b.WriteString(`<thead><tr><th scope="col">Rung</th><th scope="col" class="num" title="the least tie strength, 0 to 100">Needs</th><th scope="col" class="bar-col">People</th><th scope="col" class="wide">What it means</th></tr></thead><tbody>`)
	fmt.Fprintf(&b, `<tr><th scope="row">contacts</th><td></td><td class="bar-cell"><span class="num">%[2]d</span>%[1]s</td><td class="wide">everyone you have</td></tr>`, bar(l.Contacts, l.Contacts, "bar-contacts"), l.Contacts)
	for i := len(l.Rungs) - 1; i >= 0; i-- {
		r := l.Rungs[i]
		// True proportions: that 4 of 500 is under 1% is the point (seed 002).
		// A bar never shrinks below a sliver, and each says its count and share.
		fmt.Fprintf(&b, `<tr><th scope="row">%s</th><td class="num">≥ %.0f</td><td class="bar-cell"><span class="num">%[4]d · %[5]s</span>%[3]s</td><td class="wide">%[6]s</td></tr>`,
			esc(r.Action), r.Threshold, bar(r.People, l.Contacts, "bar-rung"), r.People, esc(app.Share(r.People, max(1, l.Contacts))), esc(r.Description))
	}
	b.WriteString(`</tbody></table>`)
	return template.HTML(b.String())
}

// historyChart draws a line per rung over the last months, today last.
func historyChart(h []app.LadderPoint, now *app.Ladder, zone *time.Location) template.HTML {
	if len(h) == 0 {
		return ""
	}
	// A narrow drawing (480 units, shown at most 640 px wide) keeps its text
	// readable on a phone: 13 units are 10 px at 390 px wide.
	const width, left, bottom, top, labelGap, right = 480, 40, 30, 14, 14, 110
	height := max(240, top+bottom+(len(now.Rungs)+1)*labelGap)
	pts := append([]app.LadderPoint(nil), h...)
	cur := app.LadderPoint{Rungs: map[string]int{}, Contacts: now.Contacts}
	for _, r := range now.Rungs {
		cur.Rungs[r.Action] = r.People
	}
	if len(pts) > 0 {
		cur.At = pts[len(pts)-1].At.AddDate(0, 1, 0)
	}
	pts = append(pts, cur)
	maxV := 1
	for _, p := range pts {
		for _, v := range p.Rungs {
			maxV = max(maxV, v)
		}
	}
	x := func(i int) float64 { return left + float64(i)*float64(width-left-right)/float64(max(1, len(pts)-1)) }
	y := func(v int) float64 { return top + (1-float64(v)/float64(maxV))*float64(height-top-bottom) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart history-chart" viewBox="0 0 %d %d" role="img" aria-labelledby="hist-title"><title id="hist-title">People above each rung, month by month</title>`, width, height)
	for _, v := range []int{0, maxV / 2, maxV} {
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="grid"/><text x="%d" y="%.1f" class="axis" text-anchor="end">%d</text>`, left, width-right, y(v), y(v), left-6, y(v)+4, v)
	}
	every := (len(pts) + 7) / 8 // at most eight month names side by side
	for i, p := range pts {
		label := p.At.In(zone).Format("Jan")
		if i == len(pts)-1 {
			label = "now"
		} else if (len(pts)-1-i)%every != 0 {
			continue
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="axis" text-anchor="middle">%s</text>`, x(i), height-8, label)
	}
	// Each line is named at its end; names that would overlap are pushed
	// apart, in order, and a thin leader joins a moved name to its line.
	type end struct {
		ri     int
		y, at  float64
		action string
		last   int
	}
	ends := make([]end, len(now.Rungs))
	for ri, r := range now.Rungs {
		last := pts[len(pts)-1].Rungs[r.Action]
		ends[ri] = end{ri: ri, y: y(last), at: y(last), action: r.Action, last: last}
	}
	sort.SliceStable(ends, func(i, j int) bool { return ends[i].y < ends[j].y })
	for i := range ends {
		if i > 0 && ends[i].at < ends[i-1].at+labelGap {
			ends[i].at = ends[i-1].at + labelGap
		}
	}
	for i := len(ends) - 1; i >= 0; i-- {
		limit := float64(height - bottom)
		if i < len(ends)-1 {
			limit = ends[i+1].at - labelGap
		}
		ends[i].at = min(ends[i].at, limit)
	}
	for ri, r := range now.Rungs {
		var path strings.Builder
		for i, p := range pts {
			cmd := "L"
			if i == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&path, "%s%.1f %.1f ", cmd, x(i), y(p.Rungs[r.Action]))
		}
		fmt.Fprintf(&b, `<path d="%s" class="line line-%d"/>`, path.String(), ri%6)
	}
	xe := x(len(pts) - 1)
	for _, e := range ends {
		fmt.Fprintf(&b, `<path d="M%.1f %.1f L%.1f %.1f" class="leader line-%d"/><text x="%.1f" y="%.1f" class="value">%s %d</text>`,
			xe+2, e.y, xe+10, e.at, e.ri%6, xe+12, e.at+4, esc(e.action), e.last)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// strengthChart is a person's strength over the last year.
func strengthChart(pts []rapport.StrengthPoint, now time.Time) template.HTML {
	if len(pts) < 2 {
		return ""
	}
	const width, height, pad = 320, 90, 6
	from := now.AddDate(-1, 0, 0)
	x := func(t time.Time) float64 {
		return pad + float64(t.Sub(from))/float64(now.Sub(from))*float64(width-2*pad)
	}
	y := func(v float64) float64 { return pad + (1-v/100)*float64(height-2*pad) }
	var path strings.Builder
	for i, p := range pts {
		cmd := "L"
		if i == 0 {
			cmd = "M"
		}
		fmt.Fprintf(&path, "%s%.1f %.1f ", cmd, max(pad, x(p.At)), y(p.Strength))
	}
	last := pts[len(pts)-1]
	return template.HTML(fmt.Sprintf(`<svg class="chart spark" viewBox="0 0 %d %d" role="img" aria-label="Strength over the last year, now %.0f"><line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="grid"/><path d="%s" class="line line-0"/><circle cx="%.1f" cy="%.1f" r="3" class="dot"/></svg>`,
		width, height, last.Strength, pad, width-pad, y(50), y(50), path.String(), x(last.At), y(last.Strength)))
}

// minutesChart splits the period's minutes by depth.
func minutesChart(m app.Minutes) template.HTML {
	total := max(1, m.Total)
	const width = 640
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart minutes-chart" viewBox="0 0 %d 56" role="img" aria-label="Minutes: %d light, %d conversations, %d gives">`, width, m.Light, m.Conversations, m.Gives)
	xPos := 0.0
	for _, part := range []struct {
		v     int
		class string
	}{{m.Light, "seg-light"}, {m.Conversations, "seg-conv"}, {m.Gives, "seg-gives"}} {
		w := float64(part.v) / float64(total) * width
		fmt.Fprintf(&b, `<rect x="%.1f" y="4" width="%.1f" height="32" class="%s"/>`, xPos, w, part.class)
		xPos += w
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// rungMovesChart pairs each rung's people at the start and the end.
func rungMovesChart(rs []app.RungMove) template.HTML {
	if len(rs) == 0 {
		return ""
	}
	maxV := 1
	for _, r := range rs {
		maxV = max(maxV, r.Start, r.End)
	}
	var b strings.Builder
	b.WriteString(`<table class="plain rung-moves"><thead><tr><th scope="col">Rung</th><th scope="col" class="bar-col">People at the start and the end</th></tr></thead><tbody>`)
	for i := range rs {
		r := rs[len(rs)-1-i]
		fmt.Fprintf(&b, `<tr><th scope="row">%s</th><td class="bar-cell"><span class="num">%[4]d → %[5]d</span><span class="bar-pair">%[2]s%[3]s</span></td></tr>`,
			esc(r.Action), bar(r.Start, maxV, "bar-contacts"), bar(r.End, maxV, "bar-rung"), r.Start, r.End)
	}
	b.WriteString(`</tbody></table>`)
	return template.HTML(b.String())
}
