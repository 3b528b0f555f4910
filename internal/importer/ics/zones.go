package ics

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	goical "github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"
)

// zones are the calendar's own VTIMEZONE definitions, used for a TZID the
// zone database does not know: Outlook names its zones the Windows way ("W.
// Europe Standard Time") and describes each in the file, as RFC 5545 asks.
type zones map[string]*zone

// zone is one VTIMEZONE: its observances (STANDARD, DAYLIGHT), each an onset
// rule with the offset it brings.
type zone struct {
	obs   []observance
	years map[int][]onset // by year: the onsets of that year and the one before, in order
}

type observance struct {
	start    time.Time // local wall time, as UTC
	rule     *rrule.ROption
	from, to time.Duration
}

type onset struct {
	at     time.Time // local wall time, as UTC
	offset time.Duration
}

// readZones collects the VTIMEZONE blocks of a calendar; a block it cannot
// read is left out (its events then fall back to UTC, as before).
func readZones(cal *goical.Calendar) zones {
	zs := zones{}
	for _, c := range cal.Children {
		if c.Name != goical.CompTimezone {
			continue
		}
		id := c.Props.Get(goical.PropTimezoneID)
		if id == nil {
			continue
		}
		z := &zone{years: map[int][]onset{}}
		for _, o := range c.Children {
			if o.Name != goical.CompTimezoneStandard && o.Name != goical.CompTimezoneDaylight {
				continue
			}
			ob, err := readObservance(o)
			if err != nil {
				z = nil
				break
			}
			z.obs = append(z.obs, ob)
		}
		if z != nil && len(z.obs) > 0 {
			zs[strings.TrimSpace(id.Value)] = z
		}
	}
	return zs
}

func readObservance(c *goical.Component) (observance, error) {
	var ob observance
	start := c.Props.Get(goical.PropDateTimeStart)
	to, from := c.Props.Get(goical.PropTimezoneOffsetTo), c.Props.Get(goical.PropTimezoneOffsetFrom)
	if start == nil || to == nil {
		return ob, fmt.Errorf("observance without DTSTART or TZOFFSETTO")
	}
	var err error
	if ob.start, err = time.Parse("20060102T150405", start.Value); err != nil {
		return ob, err
	}
	if ob.to, err = utcOffset(to.Value); err != nil {
		return ob, err
	}
	ob.from = ob.to
	if from != nil {
		if ob.from, err = utcOffset(from.Value); err != nil {
			return ob, err
		}
	}
	opt, err := c.Props.RecurrenceRule()
	if err != nil {
		return ob, err
	}
	if opt != nil {
		if opt.Freq != rrule.YEARLY {
			// Zones change once or twice a year; anything more often is not
			// a zone, and iterating it could take forever.
			return ob, fmt.Errorf("observance repeats %v, not yearly", opt.Freq)
		}
		opt.Dtstart = ob.start
		if _, err = rrule.NewRRule(*opt); err != nil {
			return ob, err
		}
		ob.rule = opt
	}
	return ob, nil
}

// utcOffset reads "+0200", "-0800" or "+053000".
func utcOffset(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if (len(s) != 5 && len(s) != 7) || (s[0] != '+' && s[0] != '-') {
		return 0, fmt.Errorf("bad UTC offset %q", s)
	}
	n, err := strconv.Atoi(s[1:])
	if err != nil {
		return 0, fmt.Errorf("bad UTC offset %q", s)
	}
	if len(s) == 5 {
		n *= 100
	}
	d := time.Duration(n/10000)*time.Hour + time.Duration(n/100%100)*time.Minute + time.Duration(n%100)*time.Second
	if s[0] == '-' {
		d = -d
	}
	return d, nil
}

// onsets returns the observance's onsets between from and to. Outlook starts
// its rules in 1601, which rrule-go does not iterate from, so a yearly rule
// without a count is started again in year (on 1 January when BYMONTH places
// it, else on its own month and day), at its own time of day: the same onsets, as a yearly rule's dates come from its BY parts or
// its anniversary.
func (ob observance) onsets(year int, from, to time.Time) []time.Time {
	opt := *ob.rule
	leapDay := ob.start.Month() == time.February && ob.start.Day() == 29
	if opt.Freq == rrule.YEARLY && opt.Count == 0 && ob.start.Year() < year && (len(opt.Bymonth) > 0 || !leapDay) {
		s := ob.start
		month, day := s.Month(), s.Day()
		if len(opt.Bymonth) > 0 {
			month, day = time.January, 1 // the BY parts place it; start before them
		}
		opt.Dtstart = time.Date(year, month, day, s.Hour(), s.Minute(), s.Second(), 0, time.UTC)
	}
	r, err := rrule.NewRRule(opt)
	if err != nil {
		return nil
	}
	return r.Between(from, to, true)
}

// utc turns a local wall time of the zone (given as UTC) into the instant:
// the offset is that of the latest onset at or before it.
func (z *zone) utc(local time.Time) time.Time {
	y := local.Year()
	onsets, ok := z.years[y]
	if !ok {
		from, to := time.Date(y-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC)
		for _, ob := range z.obs {
			if ob.rule == nil {
				if !ob.start.After(to) {
					onsets = append(onsets, onset{ob.start, ob.to})
				}
				continue
			}
			for _, t := range ob.onsets(y-1, from, to) {
				onsets = append(onsets, onset{t, ob.to})
			}
		}
		sort.Slice(onsets, func(i, j int) bool { return onsets[i].at.Before(onsets[j].at) })
		z.years[y] = onsets
	}
	offset := z.obs[0].from // before any onset: what the first one changes from
	for _, o := range onsets {
		if o.at.After(local) {
			break
		}
		offset = o.offset
	}
	return local.Add(-offset)
}
