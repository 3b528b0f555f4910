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
}

func (e *Error) Error() string { return e.Message }

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
		return e.Message
	}
	return err.Error()
}
