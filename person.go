package rapport

import (
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/unicode/norm"
)

// Person is someone in your network, with everything you know about them.
type Person struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Emails []string `json:"emails"`
	Phones []string `json:"phones"`
	URLs   []string `json:"urls"`
	Org    string   `json:"org"`
	Title  string   `json:"title"`
	Tags   []string `json:"tags"`
	Met    string   `json:"met"`
	Notes  []Item   `json:"notes"`
	Wants  []Item   `json:"wants"`
	Offers []Item   `json:"offers"`
	// Aliases are the names of records merged into this person: a
	// reference by an old name still finds them.
	Aliases   []Item    `json:"aliases,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Item is one dated line about a person: a note, a want or an offer.
type Item struct {
	ID   string     `json:"id"`
	Text string     `json:"text"`
	At   time.Time  `json:"at"`
	Due  *time.Time `json:"due,omitempty"`
	// Done is when a want was served (a give toward it, or want done).
	Done *time.Time `json:"done,omitempty"`
	// On a team's server a note is its writer's (MemberID), private unless
	// Shared. What a reader is shown says so: By names the teammate who
	// shared it, Private marks their own note the team does not see.
	MemberID string `json:"-"`
	Shared   bool   `json:"-"`
	By       string `json:"by,omitempty"`
	Private  bool   `json:"private,omitempty"`
}

// Item kinds, as stored.
const (
	ItemNote  = "note"
	ItemWant  = "want"
	ItemOffer = "offer"
	ItemAlias = "alias" // a name the person was also known by (merged records)
)

// Handle kinds: the identifiers that make two records the same person.
const (
	HandleEmail = "email"
	HandlePhone = "phone"
	HandleURL   = "url"
)

// NormalizeHandle validates value as a handle of the given kind and returns the
// key under which it is unique: a lower-cased email, a phone's digits with its
// leading +, a URL without scheme, "www." or trailing slash.
func NormalizeHandle(kind, value string) (string, error) {
	v := strings.TrimSpace(value)
	if v == "" {
		return "", Errorf(EINVALID, "%s: empty value", kind)
	}
	switch kind {
	case HandleEmail:
		a, err := mail.ParseAddress(v)
		if err != nil {
			return "", Errorf(EINVALID, "email %q: not an email address", value)
		}
		return strings.ToLower(a.Address), nil
	case HandlePhone:
		return normalizePhone(v, value)
	case HandleURL:
		s := v
		if !strings.Contains(s, "://") {
			s = "https://" + s
		}
		u, err := url.Parse(s)
		if err != nil || u.Host == "" || strings.ContainsAny(u.Host, " ") {
			return "", Errorf(EINVALID, "url %q: not a web address", value)
		}
		host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
		if !strings.Contains(strings.Trim(host, "."), ".") && host != "localhost" {
			return "", Errorf(EINVALID, "url %q: %q is not a web host", value, u.Host)
		}
		return host + strings.TrimRight(u.EscapedPath(), "/"), nil
	}
	return "", Errorf(EINVALID, "unknown handle kind %q", kind)
}

// NormalizeTag returns the stored form of a tag: trimmed, lower-cased, inner
// spaces turned into dashes.
func NormalizeTag(tag string) (string, error) {
	t := strings.Join(strings.Fields(strings.ToLower(tag)), "-")
	if t == "" {
		return "", Errorf(EINVALID, "tag: empty value")
	}
	return t, nil
}

// NameKey is the form in which names are compared: lower-cased, accents
// removed ("García" is found as "garcia"), runs of white space folded.
func NameKey(name string) string {
	ascii := true
	for i := 0; i < len(name); i++ {
		if name[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii { // most names: nothing to decompose
		return strings.Join(strings.Fields(strings.ToLower(name)), " ")
	}
	return foldName(name)
}

// foldName is NameKey for any text: decompose letters and drop the
// combining marks. A chain holds state, so each call makes its own.
func foldName(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for _, r := range norm.NFD.String(name) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(strings.ToLower(norm.NFC.String(b.String()))), " ")
}

// ValidateName checks a person's name.
func ValidateName(name string) error {
	if strings.TrimSpace(name) == "" {
		return Errorf(EINVALID, "name: must not be empty")
	}
	if len(name) > 200 {
		return Errorf(EINVALID, "name: longer than 200 bytes")
	}
	return nil
}

// PhoneMergeable reports whether a normalised phone may prove two records
// are one person: a valid, full international number. Short codes ("121"),
// national numbers whose country is unknown and numbers libphonenumber
// finds invalid ("+91956711") never merge anyone.
func PhoneMergeable(norm string) bool {
	if !strings.HasPrefix(norm, "+") {
		return false
	}
	num, err := phonenumbers.Parse(norm, "")
	return err == nil && phonenumbers.IsValidNumber(num)
}

// normalizePhone gives an international number (one that starts with + or
// 00) in E.164 form through libphonenumber's rules, so "+44 (0)20 7946 0000"
// and "+442079460000" are one number. A national number, whose country is
// not known, keeps its digits.
func normalizePhone(v, value string) (string, error) {
	// Format characters (bidi marks around a number, as Android writes
	// them) mean nothing; a tel: URI is a number.
	v = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, v)
	v = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(v, "tel:"), "TEL:"))
	if i := strings.IndexAny(v, ";"); i > 0 { // tel:+1-555-0100;ext=12
		v = v[:i]
	}
	var digits strings.Builder
	for i, r := range v {
		switch {
		case r == '+' && digits.Len() == 0 && i >= 0:
			digits.WriteRune(r)
		case unicode.IsDigit(r):
			digits.WriteRune(r)
		case strings.ContainsRune(" -.()/", r):
		default:
			return "", Errorf(EINVALID, "phone %q: unexpected character %q", value, r)
		}
	}
	d := digits.String()
	if strings.HasPrefix(d, "00") {
		d = "+" + d[2:]
	}
	if n := len(strings.TrimPrefix(d, "+")); n < 3 || n > 17 {
		return "", Errorf(EINVALID, "phone %q: expected 3 to 17 digits", value)
	}
	if !strings.HasPrefix(d, "+") {
		return d, nil
	}
	// Formatting can drop a national prefix after the country code, so
	// format until the result stands still: a key must normalise to itself.
	for range 20 { // each pass shortens the number, which has at most 17 digits
		num, err := phonenumbers.Parse(d, "")
		if err != nil {
			return d, nil // not a number libphonenumber knows: keep the digits
		}
		e := phonenumbers.Format(num, phonenumbers.E164)
		if e == d {
			break
		}
		d = e
	}
	return d, nil
}
