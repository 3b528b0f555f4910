package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/rapport-app/rapport/internal/app"
	"github.com/rapport-app/rapport/internal/store"
)

// Charts are SVG drawn here: no script, readable without colour (every
// figure is also written as text), and scaled by the browser.

var esc = template.HTMLEscapeString

// strengthBar is a small horizontal gauge of a strength 0–100.
func strengthBar(v float64) template.HTML {
	w := min(100, max(0, v))
	return template.HTML(fmt.Sprintf(`<meter class="gauge" min="0" max="100" low="25" high="60" optimum="100" value="%.0f" aria-hidden="true">%.0f</meter>`, w, w))
}

// ladderChart draws, for each rung, the people at or above it beside the raw
// contact count: the picture of the whole product.
func ladderChart(l *app.Ladder) template.HTML {
	const rowH, labelW, width = 34, 150, 640
	n := len(l.Rungs) + 1
	h := n*rowH + 30
	maxV := float64(max(1, l.Contacts))
	// True proportions: that 4 of 500 is under 1% is the point (seed 002).
	// A bar never shrinks below a sliver, and each says its count and share.
	scale := func(v int) float64 { return float64(v) / maxV * float64(width-labelW-110) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart ladder-chart" viewBox="0 0 %d %d" role="img" aria-labelledby="ladder-title"><title id="ladder-title">People above each rung of the ladder, beside all %d contacts</title>`, width, h, l.Contacts)
	row := func(i int, label string, v int, class, note string) {
		y := 10 + i*rowH
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="label" text-anchor="end">%s</text>`, labelW-10, y+20, esc(label))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="24" rx="4" class="%s"/>`, labelW, y+4, max(2, scale(v)), class)
		share := ""
		if l.Contacts > 0 && class != "bar-contacts" {
			share = ", " + app.Share(v, l.Contacts)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="value">%d%s%s</text>`, float64(labelW)+max(2, scale(v))+8, y+20, v, esc(share), esc(note))
	}
	row(0, "contacts", l.Contacts, "bar-contacts", "")
	for i := len(l.Rungs) - 1; i >= 0; i-- {
		r := l.Rungs[i]
		row(len(l.Rungs)-i, r.Action, r.People, "bar-rung", fmt.Sprintf("  (≥ %.0f)", r.Threshold))
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="axis">bar length: people, in proportion to all contacts</text></svg>`, labelW, h-4)
	return template.HTML(b.String())
}

// historyChart draws a line per rung over the last months, today last.
func historyChart(h []app.LadderPoint, now *app.Ladder, zone *time.Location) template.HTML {
	if len(h) == 0 {
		return ""
	}
	const width, height, left, bottom, top = 640, 240, 50, 30, 14
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
	x := func(i int) float64 { return left + float64(i)*float64(width-left-90)/float64(max(1, len(pts)-1)) }
	y := func(v int) float64 { return top + (1-float64(v)/float64(maxV))*float64(height-top-bottom) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart history-chart" viewBox="0 0 %d %d" role="img" aria-labelledby="hist-title"><title id="hist-title">People above each rung, month by month</title>`, width, height)
	for _, v := range []int{0, maxV / 2, maxV} {
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="grid"/><text x="%d" y="%.1f" class="axis" text-anchor="end">%d</text>`, left, width-90, y(v), y(v), left-6, y(v)+4, v)
	}
	for i, p := range pts {
		label := p.At.In(zone).Format("Jan")
		if i == len(pts)-1 {
			label = "now"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="axis" text-anchor="middle">%s</text>`, x(i), height-8, label)
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
		last := pts[len(pts)-1].Rungs[r.Action]
		fmt.Fprintf(&b, `<path d="%s" class="line line-%d"/><text x="%.1f" y="%.1f" class="value">%s %d</text>`, path.String(), ri%6, x(len(pts)-1)+6, y(last)+4, esc(r.Action), last)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// strengthChart is a person's strength over the last year.
func strengthChart(pts []store.StrengthPoint, now time.Time) template.HTML {
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
	const rowH, labelW, width = 30, 150, 640
	maxV := 1
	for _, r := range rs {
		maxV = max(maxV, r.Start, r.End)
	}
	w := func(v int) float64 { return max(2, float64(v)/float64(maxV)*float64(width-labelW-80)) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="People above each rung at the start and the end of the period">`, width, len(rs)*rowH+10)
	for i := range rs {
		r := rs[len(rs)-1-i]
		y := 6 + i*rowH
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="label" text-anchor="end">%s</text>`, labelW-10, y+17, esc(r.Action))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="10" rx="2" class="bar-contacts"/>`, labelW, y+2, w(r.Start))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="10" rx="2" class="bar-rung"/>`, labelW, y+14, w(r.End))
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="value">%d → %d</text>`, float64(labelW)+max(w(r.Start), w(r.End))+8, y+17, r.Start, r.End)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
