package rapport

import (
	"errors"
	"strings"
	"time"
)

// Form reads what a person typed (a flag, a form field, a JSON string) into
// the typed values the app takes, through this package's parsers, one field
// at a time. The first error is kept, names its field, and stops the reading
// of the rest: check Err once at the end. An empty value reads as not given
// (nil).
type Form struct {
	// Now is the moment relative times are read against ("yesterday",
	// "3d ago"), in the user's time zone: dates are the user's days.
	Now time.Time
	err error
}

// Err returns the first error met, or nil.
func (f *Form) Err() error { return f.err }

// Time reads a moment (ParseTime).
func (f *Form) Time(field, s string) *time.Time {
	if f.err != nil || strings.TrimSpace(s) == "" {
		return nil
	}
	t, err := ParseTime(s, f.Now)
	if err != nil {
		f.err = InField(field, err)
		return nil
	}
	return &t
}

// Minutes reads a duration in minutes (ParseMinutes).
func (f *Form) Minutes(field, s string) *int {
	if f.err != nil || strings.TrimSpace(s) == "" {
		return nil
	}
	m, err := ParseMinutes(s)
	if err != nil {
		f.err = InField(field, err)
		return nil
	}
	return &m
}

// By reads a side (ParseBy); empty is not given, not "both".
func (f *Form) By(field, s string) *By {
	if f.err != nil || strings.TrimSpace(s) == "" {
		return nil
	}
	b, err := ParseBy(strings.ToLower(strings.TrimSpace(s)))
	if err != nil {
		f.err = InField(field, err)
		return nil
	}
	return &b
}

// Mode reads a rung's mode (ParseMode).
func (f *Form) Mode(field, s string) *Mode {
	if f.err != nil || strings.TrimSpace(s) == "" {
		return nil
	}
	m, err := ParseMode(strings.TrimSpace(s))
	if err != nil {
		f.err = InField(field, err)
		return nil
	}
	return &m
}

// ReadTime reads one moment typed for field (nil for nothing typed): a Form
// of one field.
func ReadTime(now time.Time, field, s string) (*time.Time, error) {
	f := Form{Now: now}
	t := f.Time(field, s)
	return t, f.Err()
}

// ReadPeriod reads the start and end of a period typed as since and until
// (nil for either not typed).
func ReadPeriod(now time.Time, since, until string) (from, to *time.Time, err error) {
	f := Form{Now: now}
	from, to = f.Time("since", since), f.Time("until", until)
	return from, to, f.Err()
}

// InField returns err about field instead of the field its parser named
// ("time" becomes "at"), so that each front end names it in its own words.
// An error that is not an *Error is returned as is.
func InField(field string, err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	c := *e
	c.Field = field
	return &c
}

// Value returns v's value, or zero where v is nil.
func Value[T any](v *T) T {
	var zero T
	if v == nil {
		return zero
	}
	return *v
}
