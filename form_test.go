package rapport

import (
	"testing"
	"time"
)

// A form reads each field with its parser, names the field at fault (not
// the parser's noun), keeps the first error and reads nothing after it.
func TestFormNamesTheFieldAndStopsAtTheFirstError(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 30, 0, 0, time.FixedZone("CET", 3600))
	f := Form{Now: now}
	at, m, by := f.Time("at", "yesterday"), f.Minutes("minutes", "1h30m"), f.By("by", " Me ")
	if f.Err() != nil || at == nil || !at.Equal(now.AddDate(0, 0, -1)) || *m != 90 || *by != ByMe {
		t.Fatalf("good values: %v %v %v %v", at, m, by, f.Err())
	}
	if f.Time("due", "") != nil || f.Minutes("day", " ") != nil || f.By("by", "") != nil || f.Mode("mode", "") != nil || f.Err() != nil {
		t.Fatal("an empty value is not given, not an error")
	}
	if f.Time("since", "someday") != nil {
		t.Fatal("a bad time read as a time")
	}
	if f.Minutes("week", "2h") != nil {
		t.Error("a field after the first error was read")
	}
	err := f.Err()
	if ErrorField(err) != "since" || ErrorCode(err) != EINVALID {
		t.Fatalf("error %v: field %q, code %q", err, ErrorField(err), ErrorCode(err))
	}
	if got := FieldMessage(err, func(f string) string { return "--" + f }); got[:16] != `--since "someday` {
		t.Errorf("the CLI would say %q", got)
	}
	for field, read := range map[string]func(f *Form){
		"minutes": func(f *Form) { f.Minutes("minutes", "-5") },
		"by":      func(f *Form) { f.By("by", "everyone") },
		"mode":    func(f *Form) { f.Mode("mode", "telepathy") },
		"until":   func(f *Form) { f.Time("until", "1899-12-31") },
	} {
		f := Form{Now: now}
		read(&f)
		if ErrorField(f.Err()) != field {
			t.Errorf("%s: %v names %q", field, f.Err(), ErrorField(f.Err()))
		}
	}
}

// ReadTime and ReadPeriod are a Form of one field and of a period.
func TestReadTimeAndPeriod(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	if at, err := ReadTime(now, "due", "tomorrow"); err != nil || !at.Equal(now.AddDate(0, 0, 1)) {
		t.Errorf("tomorrow: %v %v", at, err)
	}
	if at, err := ReadTime(now, "due", " "); at != nil || err != nil {
		t.Errorf("nothing typed: %v %v", at, err)
	}
	if _, err := ReadTime(now, "due", "someday"); ErrorField(err) != "due" {
		t.Errorf("someday: %v", err)
	}
	if from, to, err := ReadPeriod(now, "3d ago", ""); err != nil || to != nil || !from.Equal(now.AddDate(0, 0, -3)) {
		t.Errorf("since 3d ago: %v %v %v", from, to, err)
	}
	if _, _, err := ReadPeriod(now, "", "nope"); ErrorField(err) != "until" {
		t.Errorf("until nope: %v", err)
	}
}
