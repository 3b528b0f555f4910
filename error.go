package rapport

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one exit code in the CLI and one status in HTTP.
const (
	EINVALID   = "invalid"   // bad input: a malformed date, an unknown kind, a negative duration
	ENOTFOUND  = "not_found" // no person, kind or record answers to the reference
	EAMBIGUOUS = "ambiguous" // a reference matches several people
	ECONFLICT  = "conflict"  // the write would clash with what is stored (a taken email)
	ETOOLARGE  = "too_large" // input over a documented limit (a field, a list, a body)
	EBUSY      = "busy"      // the database stayed locked by another writer past the wait: try again
	EINTERNAL  = "internal"  // everything else
)

// Error is an error a user can read: a machine code and a one-line message.
// Candidates lists the matches of an ambiguous reference.
type Error struct {
	Code       string
	Message    string
	Candidates []string
	// Field names the input at fault, in snake_case as in --json and the
	// API ("due", "rm_tag"), when one is. Message then goes on from its
	// name ("is required", "5000: expected 0 to 3650 days"), so that each
	// front end can name the field in its own words: the CLI its flag
	// (--due), the web its label (Due), the API the field itself.
	Field string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + " " + e.Message
	}
	return e.Message
}

// FieldErrorf returns an *Error about one field of the input.
func FieldErrorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorField returns the field of the first *Error in err's chain, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// FieldMessage is ErrorMessage with the field, when there is one, named by
// name(field) rather than as is.
func FieldMessage(err error, name func(field string) string) string {
	var e *Error
	if errors.As(err, &e) && e.Field != "" {
		return name(e.Field) + " " + e.Message
	}
	return ErrorMessage(err)
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the message a user should see for err. Internal errors
// keep their full wrapped text, which names the operation that failed.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return err.Error()
}
