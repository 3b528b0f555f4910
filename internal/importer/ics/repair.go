package ics

import (
	"bytes"
	"regexp"
	"strings"
	"time"
)

// repair makes the common defects of real calendars readable, as the major
// clients do, before the strict parser sees them: a UTF-8 byte-order mark;
// content lines that lost their folding space (Exchange writes long lines
// broken without one); date-only DTSTART, DTEND, EXDATE and RDATE values
// without VALUE=DATE, and dates with a stray "Z"; spaces in an RRULE's
// lists ("BYDAY=MO, TU").
//
// It returns the repaired calendar and, for each of its lines, the line of
// the original it came from, so that errors still name the file's lines.
func repair(data []byte) ([]byte, []int) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	lines := strings.Split(string(data), "\n")
	out := make([]string, 0, len(lines))
	orig := make([]int, 0, len(lines))
	textProp := false // the last property is free text (DESCRIPTION, SUMMARY, …)
	for i, l := range lines {
		l = strings.TrimRight(l, "\r")
		if l == "" && i == len(lines)-1 {
			break
		}
		switch {
		case l != "" && l[0] != ' ' && l[0] != '\t' && !strings.Contains(l, ":") && textProp && len(out) > 0:
			out[len(out)-1] += l // a continuation that lost its folding space
			continue
		case l == "" || l[0] == ' ' || l[0] == '\t' || !strings.Contains(l, ":"):
			out = append(out, l)
		default:
			name := strings.ToUpper(l[:strings.IndexAny(l, ":;")])
			textProp = name == "DESCRIPTION" || name == "SUMMARY" || name == "LOCATION" || name == "COMMENT" || strings.HasPrefix(name, "X-")
			out = append(out, repairLine(l))
		}
		orig = append(orig, i+1)
	}
	// Components without their VCALENDAR (a bare VEVENT, as some tools
	// write a single event) are read as a calendar of them.
	for i, l := range out {
		u := strings.ToUpper(strings.TrimSpace(l))
		if !strings.HasPrefix(u, "BEGIN:") {
			continue
		}
		if u != "BEGIN:VCALENDAR" && (u == "BEGIN:VEVENT" || u == "BEGIN:VTIMEZONE" || u == "BEGIN:VTODO") {
			out = append(append([]string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//rapport//repaired//EN"}, out...), "END:VCALENDAR")
			orig = append(append([]int{orig[i], orig[i], orig[i]}, orig...), orig[len(orig)-1])
		}
		break
	}
	return []byte(strings.Join(out, "\r\n") + "\r\n"), orig
}

var (
	dateOnly  = regexp.MustCompile(`^\d{8}Z?$`)
	dateList  = regexp.MustCompile(`^\d{8}Z?(,\d{8}Z?)*$`)
	rruleList = regexp.MustCompile(`,\s+`)
)

func repairLine(l string) string {
	colon := strings.IndexByte(l, ':')
	name, params, value := l[:colon], "", l[colon+1:]
	if i := strings.IndexByte(name, ';'); i >= 0 {
		name, params = name[:i], name[i:]
	}
	switch strings.ToUpper(name) {
	case "DTSTART", "DTEND", "EXDATE", "RDATE", "RECURRENCE-ID":
		v := strings.TrimSpace(value)
		if dateOnly.MatchString(v) || dateList.MatchString(v) {
			v = strings.ReplaceAll(v, "Z", "")
			if !strings.Contains(strings.ToUpper(params), "VALUE=DATE") {
				params += ";VALUE=DATE"
			}
			return name + params + ":" + v
		}
	case "RRULE":
		return name + params + ":" + rruleList.ReplaceAllString(value, ",")
	}
	return l
}

// windowsZones maps the Windows zone names Outlook and Exchange write (when
// a file carries no VTIMEZONE for them) to IANA zones, after CLDR's
// windowsZones.xml (territory 001).
var windowsZones = map[string]string{
	"Dateline Standard Time": "Etc/GMT+12", "UTC-11": "Etc/GMT+11", "Hawaiian Standard Time": "Pacific/Honolulu",
	"Alaskan Standard Time": "America/Anchorage", "Pacific Standard Time": "America/Los_Angeles",
	"Pacific Standard Time (Mexico)": "America/Tijuana", "US Mountain Standard Time": "America/Phoenix",
	"Mountain Standard Time": "America/Denver", "Central America Standard Time": "America/Guatemala",
	"Central Standard Time": "America/Chicago", "Central Standard Time (Mexico)": "America/Mexico_City",
	"Canada Central Standard Time": "America/Regina", "SA Pacific Standard Time": "America/Bogota",
	"Eastern Standard Time": "America/New_York", "US Eastern Standard Time": "America/Indianapolis",
	"Venezuela Standard Time": "America/Caracas", "Atlantic Standard Time": "America/Halifax",
	"SA Western Standard Time": "America/La_Paz", "Pacific SA Standard Time": "America/Santiago",
	"Newfoundland Standard Time": "America/St_Johns", "E. South America Standard Time": "America/Sao_Paulo",
	"Argentina Standard Time": "America/Buenos_Aires", "SA Eastern Standard Time": "America/Cayenne",
	"Greenland Standard Time": "America/Godthab", "UTC-02": "Etc/GMT+2", "Azores Standard Time": "Atlantic/Azores",
	"Cape Verde Standard Time": "Atlantic/Cape_Verde", "UTC": "Etc/UTC", "GMT Standard Time": "Europe/London",
	"Greenwich Standard Time": "Atlantic/Reykjavik", "W. Europe Standard Time": "Europe/Berlin",
	"Central Europe Standard Time": "Europe/Budapest", "Romance Standard Time": "Europe/Paris",
	"Central European Standard Time": "Europe/Warsaw", "W. Central Africa Standard Time": "Africa/Lagos",
	"GTB Standard Time": "Europe/Bucharest", "E. Europe Standard Time": "Europe/Chisinau",
	"Egypt Standard Time": "Africa/Cairo", "South Africa Standard Time": "Africa/Johannesburg",
	"FLE Standard Time": "Europe/Kiev", "Israel Standard Time": "Asia/Jerusalem", "Jordan Standard Time": "Asia/Amman",
	"Turkey Standard Time": "Europe/Istanbul", "Arab Standard Time": "Asia/Riyadh", "Russian Standard Time": "Europe/Moscow",
	"E. Africa Standard Time": "Africa/Nairobi", "Iran Standard Time": "Asia/Tehran", "Arabian Standard Time": "Asia/Dubai",
	"Afghanistan Standard Time": "Asia/Kabul", "Pakistan Standard Time": "Asia/Karachi",
	"India Standard Time": "Asia/Calcutta", "Sri Lanka Standard Time": "Asia/Colombo", "Nepal Standard Time": "Asia/Katmandu",
	"Bangladesh Standard Time": "Asia/Dhaka", "Myanmar Standard Time": "Asia/Rangoon", "SE Asia Standard Time": "Asia/Bangkok",
	"China Standard Time": "Asia/Shanghai", "Singapore Standard Time": "Asia/Singapore", "Taipei Standard Time": "Asia/Taipei",
	"W. Australia Standard Time": "Australia/Perth", "Tokyo Standard Time": "Asia/Tokyo", "Korea Standard Time": "Asia/Seoul",
	"Cen. Australia Standard Time": "Australia/Adelaide", "AUS Central Standard Time": "Australia/Darwin",
	"E. Australia Standard Time": "Australia/Brisbane", "AUS Eastern Standard Time": "Australia/Sydney",
	"Tasmania Standard Time": "Australia/Hobart", "New Zealand Standard Time": "Pacific/Auckland",
	"Fiji Standard Time": "Pacific/Fiji", "Tonga Standard Time": "Pacific/Tongatapu",
}

// zoneName strips the quotes and escapes some writers put around a TZID.
func zoneName(tz string) string {
	return strings.ReplaceAll(strings.Trim(strings.TrimSpace(tz), `"'`), `\`, "")
}

// location returns the zone database's location for a TZID: an IANA name,
// or a Windows name through CLDR's table.
func location(tz string) *time.Location {
	tz = zoneName(tz)
	if loc, err := time.LoadLocation(tz); err == nil && tz != "" && tz != "Local" {
		return loc
	}
	if iana, ok := windowsZones[tz]; ok {
		if loc, err := time.LoadLocation(iana); err == nil {
			return loc
		}
	}
	return nil
}

// knownZone reports whether a TZID can be resolved: the file's own
// VTIMEZONE, or the zone database.
func knownZone(tz string, zs zones) bool {
	return zs.get(tz) != nil || location(tz) != nil
}

// get finds a VTIMEZONE by TZID, quoting and escaping aside.
func (zs zones) get(tz string) *zone {
	if z := zs[strings.TrimSpace(tz)]; z != nil {
		return z
	}
	want := zoneName(tz)
	for id, z := range zs {
		if zoneName(id) == want {
			return z
		}
	}
	return nil
}
