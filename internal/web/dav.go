package web

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	govcard "github.com/emersion/go-vcard"
	"github.com/emersion/go-webdav"
	"github.com/emersion/go-webdav/carddav"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/app"
)

// The address book (CardDAV, RFC 6352) at /dav/: one principal, one home,
// one book of everyone. emersion/go-webdav serves discovery, multiget,
// query, PUT and DELETE; two things it lacks are served here, since without
// them a client downloads the whole book on every poll: collection sync
// (RFC 6578, the REPORT sync-collection and the DAV:sync-token property) and
// Apple's getctag, both from the book's change counter (app.DavSync). GET is
// served here too, to answer in the vCard version asked for, with a charset.
const (
	davPrincipal = "/dav/me/"
	davHome      = "/dav/me/contacts/"
	davBook      = "/dav/me/contacts/people/"
	syncPrefix   = "urn:rapport:sync:"
)

type davCtxKey struct{}

// davReq is what the handler learnt of a request, for the backend.
type davReq struct {
	device  string // the app password's name
	version string // the vCard version the client asked for
	ifMatch string
}

func davOf(ctx context.Context) davReq {
	d, _ := ctx.Value(davCtxKey{}).(davReq)
	if d.version == "" {
		d.version = app.VCard4
	}
	return d
}

// davHandler serves /dav/ and /.well-known/carddav: every request signs in
// with an app password (HTTP Basic, any user name), on loopback too.
func (s *Server) davHandler() http.Handler {
	h := &carddav.Handler{Backend: &davBackend{app: s.app, sync: s.davSync}, Prefix: "/dav"}
	lim := newLimiter(10, time.Minute)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/.well-known/carddav" {
			http.Redirect(w, r, davPrincipal, http.StatusMovedPermanently)
			return
		}
		ip, _, _ := net.SplitHostPort(r.RemoteAddr)
		if !lim.allow(ip) {
			w.Header().Set("Retry-After", "60")
			http.Error(w, "Too many failed sign-ins: wait a minute.", http.StatusTooManyRequests)
			return
		}
		_, secret, _ := r.BasicAuth()
		device, ok, err := s.davDevice(r.Context(), secret)
		if err != nil {
			s.log.Error("check an app password", "err", err)
			http.Error(w, "Could not check the password.", http.StatusInternalServerError)
			return
		}
		if !ok {
			lim.fail(ip)
			w.Header().Set("WWW-Authenticate", `Basic realm="Rapport address book", charset="UTF-8"`)
			http.Error(w, "Sign in with an app password: make one with `rapport token create NAME` (any user name).", http.StatusUnauthorized)
			return
		}
		var body []byte
		if r.Method == "REPORT" || r.Method == "PROPFIND" {
			if body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody)); err != nil {
				http.Error(w, "The request body is too large.", http.StatusRequestEntityTooLarge)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		d := davReq{device: device, version: askedVersion(r, body), ifMatch: r.Header.Get("If-Match")}
		r = r.WithContext(context.WithValue(r.Context(), davCtxKey{}, d))
		onBook := path.Clean(r.URL.Path)+"/" == davBook
		switch {
		case r.Method == "PROPFIND" && onBook:
			s.davPropfindBook(w, r, body)
		case r.Method == "REPORT" && onBook && bytes.Contains(body, []byte("sync-collection")):
			s.davSyncCollection(w, r, body)
		case (r.Method == http.MethodGet || r.Method == http.MethodHead) && path.Dir(r.URL.Path)+"/" == davBook:
			s.davGet(w, r)
		default:
			h.ServeHTTP(w, r)
		}
	})
}

// davSync brings the book's state in step with the people (app.DavSync)
// when the data changed since it last did: an unchanged poll renders no
// card. The version is read before the sync, so a sync that wrote is
// checked again next time (and finds nothing to do).
func (s *Server) davSync(ctx context.Context) (int64, error) {
	v, err := s.watch.Version(ctx)
	if err != nil {
		return 0, err
	}
	who := ""
	if m := app.MemberFrom(ctx); m != nil {
		who = m.ID // on a team's server each member has a book of their own
	}
	s.dav.mu.Lock()
	if st, ok := s.dav.of[who]; ok && st.version == v {
		s.dav.mu.Unlock()
		return st.seq, nil
	}
	s.dav.mu.Unlock()
	seq, err := s.app.DavSync(ctx)
	if err != nil {
		return 0, err
	}
	s.dav.mu.Lock()
	if s.dav.of == nil {
		s.dav.of = map[string]bookState{}
	}
	s.dav.of[who] = bookState{version: v, seq: seq}
	s.dav.mu.Unlock()
	return seq, nil
}

// davState is what the server last knew of each book (one for one person's
// Rapport, by member on a team's server).
type davState struct {
	mu sync.Mutex
	of map[string]bookState
}

type bookState struct {
	version int64 // the data's version then
	seq     int64 // the book's change then
}

// davDevice names who a Basic password signs in: an app password's device,
// or, on a team's server, a member by their personal token.
func (s *Server) davDevice(ctx context.Context, secret string) (string, bool, error) {
	if m := app.MemberFrom(ctx); m != nil {
		return m.Email, true, nil // a member, let in by the team's front server
	}
	if s.team() {
		return "", false, nil // a team's front server: members' tokens only (see guard)
	}
	tok, ok, err := s.app.CheckAppToken(ctx, secret)
	if err != nil || ok {
		if ok {
			return tok.Name, true, nil
		}
		return "", false, err
	}
	return "", false, nil
}

// askedVersion is the vCard version a request asks for: 3.0 when its Accept
// header or its REPORT's address-data says so, or when it comes from Apple's
// Contacts (which read 3.0 only); 4.0 otherwise.
func askedVersion(r *http.Request, body []byte) string {
	if strings.Contains(r.Header.Get("Accept"), "version=3.0") || bytes.Contains(body, []byte(`version="3.0"`)) {
		return app.VCard3
	}
	ua := r.Header.Get("User-Agent")
	for _, apple := range []string{"iOS/", "macOS/", "Mac OS X/", "dataaccessd", "AddressBook/"} {
		if strings.Contains(ua, apple) {
			return app.VCard3
		}
	}
	return app.VCard4
}

// davGet serves one card.
func (s *Server) davGet(w http.ResponseWriter, r *http.Request) {
	d := davOf(r.Context())
	o, card, err := s.app.DavCard(r.Context(), path.Base(r.URL.Path), d.version)
	if err != nil {
		davError(w, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/vcard; charset=utf-8")
	h.Set("ETag", strconv.Quote(o.ETag))
	h.Set("Last-Modified", o.Updated.UTC().Format(http.TimeFormat))
	h.Set("Content-Length", strconv.Itoa(len(card)))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(card)
}

// davError answers an error from the app with its HTTP status.
func davError(w http.ResponseWriter, err error) {
	code := http.StatusInternalServerError
	switch {
	case app.IsStale(err):
		code = http.StatusPreconditionFailed
	default:
		code = status(err)
	}
	http.Error(w, rapport.ErrorMessage(err), code)
}

// httpErr turns an app error into one go-webdav answers with its status.
func httpErr(err error) error {
	if err == nil {
		return nil
	}
	if app.IsStale(err) {
		return webdav.NewHTTPError(http.StatusPreconditionFailed, err)
	}
	return webdav.NewHTTPError(status(err), errors.New(rapport.ErrorMessage(err)))
}

// The XML of the two answers served here.
const (
	nsDAV  = "DAV:"
	nsCard = "urn:ietf:params:xml:ns:carddav"
	nsCS   = "http://calendarserver.org/ns/"
)

type xmlName struct{ XMLName xml.Name }

type propfindBody struct {
	XMLName  xml.Name  `xml:"DAV: propfind"`
	AllProp  *struct{} `xml:"DAV: allprop"`
	PropName *struct{} `xml:"DAV: propname"`
	Prop     *struct {
		Names []xmlName `xml:",any"`
	} `xml:"DAV: prop"`
}

type syncBody struct {
	XMLName   xml.Name `xml:"DAV: sync-collection"`
	SyncToken string   `xml:"DAV: sync-token"`
	Limit     *struct {
		N int `xml:"urn:ietf:params:xml:ns:carddav nresults"`
	} `xml:"DAV: limit"`
	Prop *struct {
		Names []xmlName `xml:",any"`
	} `xml:"DAV: prop"`
}

// multistatus writes a 207 answer, prop by prop, with the namespaces the
// answers use bound to prefixes.
type multistatus struct{ b bytes.Buffer }

func newMultistatus() *multistatus {
	m := &multistatus{}
	m.b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n" +
		`<d:multistatus xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:cs="http://calendarserver.org/ns/">`)
	return m
}

func prefixed(n xml.Name) (string, string) {
	switch n.Space {
	case nsDAV:
		return "d:" + n.Local, ""
	case nsCard:
		return "card:" + n.Local, ""
	case nsCS:
		return "cs:" + n.Local, ""
	}
	return "x:" + n.Local, ` xmlns:x="` + escapeXML(n.Space) + `"`
}

func escapeXML(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// response writes one resource: props found (name → inner XML) with 200,
// the others asked for with 404.
func (m *multistatus) response(href string, asked []xml.Name, found map[xml.Name]string) {
	m.b.WriteString("<d:response><d:href>" + escapeXML(href) + "</d:href>")
	var ok, missing strings.Builder
	for _, n := range asked {
		tag, ns := prefixed(n)
		if v, has := found[n]; has {
			if v == "" {
				ok.WriteString("<" + tag + ns + "/>")
			} else {
				ok.WriteString("<" + tag + ns + ">" + v + "</" + tag + ">")
			}
		} else {
			missing.WriteString("<" + tag + ns + "/>")
		}
	}
	if ok.Len() > 0 {
		m.b.WriteString("<d:propstat><d:prop>" + ok.String() + "</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>")
	}
	if missing.Len() > 0 {
		m.b.WriteString("<d:propstat><d:prop>" + missing.String() + "</d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>")
	}
	m.b.WriteString("</d:response>")
}

func (m *multistatus) gone(href string) {
	m.b.WriteString("<d:response><d:href>" + escapeXML(href) + "</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response>")
}

func (m *multistatus) send(w http.ResponseWriter, tail string) {
	m.b.WriteString(tail + "</d:multistatus>")
	w.Header().Set("Content-Type", `application/xml; charset="utf-8"`)
	w.WriteHeader(http.StatusMultiStatus)
	_, _ = w.Write(m.b.Bytes())
}

var (
	propResourceType = xml.Name{Space: nsDAV, Local: "resourcetype"}
	propDisplayName  = xml.Name{Space: nsDAV, Local: "displayname"}
	propSyncToken    = xml.Name{Space: nsDAV, Local: "sync-token"}
	propCTag         = xml.Name{Space: nsCS, Local: "getctag"}
	propETag         = xml.Name{Space: nsDAV, Local: "getetag"}
	propContentType  = xml.Name{Space: nsDAV, Local: "getcontenttype"}
	propLastModified = xml.Name{Space: nsDAV, Local: "getlastmodified"}
	propAddressData  = xml.Name{Space: nsCard, Local: "address-data"}
	bookProps        = []xml.Name{propResourceType, propDisplayName, propSyncToken, propCTag,
		{Space: nsDAV, Local: "supported-report-set"}, {Space: nsDAV, Local: "current-user-principal"},
		{Space: nsDAV, Local: "current-user-privilege-set"}, {Space: nsCard, Local: "supported-address-data"},
		{Space: nsCard, Local: "addressbook-description"}, {Space: nsCard, Local: "max-resource-size"}}
	cardProps = []xml.Name{propResourceType, propETag, propContentType, propLastModified}
)

func names(l []xmlName) []xml.Name {
	out := make([]xml.Name, len(l))
	for i, n := range l {
		out[i] = n.XMLName
	}
	return out
}

// davPropfindBook answers PROPFIND on the book: its properties (with the
// sync token and ctag), and at Depth 1 each card's.
func (s *Server) davPropfindBook(w http.ResponseWriter, r *http.Request, body []byte) {
	ctx := r.Context()
	var pf propfindBody
	asked, all := bookProps, true
	if len(bytes.TrimSpace(body)) > 0 {
		if err := xml.Unmarshal(body, &pf); err != nil {
			http.Error(w, "Could not read the PROPFIND: "+err.Error(), http.StatusBadRequest)
			return
		}
		if pf.Prop != nil {
			asked, all = names(pf.Prop.Names), false
		}
	}
	seq, err := s.davSync(ctx)
	if err != nil {
		davError(w, err)
		return
	}
	token := syncPrefix + strconv.FormatInt(seq, 10)
	found := map[xml.Name]string{
		propResourceType: "<d:collection/><card:addressbook/>",
		propDisplayName:  "Rapport",
		propSyncToken:    token,
		propCTag:         token,
		{Space: nsDAV, Local: "supported-report-set"}: "<d:supported-report><d:report><d:sync-collection/></d:report></d:supported-report>" +
			"<d:supported-report><d:report><card:addressbook-multiget/></d:report></d:supported-report>" +
			"<d:supported-report><d:report><card:addressbook-query/></d:report></d:supported-report>",
		{Space: nsDAV, Local: "current-user-principal"}:     "<d:href>" + davPrincipal + "</d:href>",
		{Space: nsDAV, Local: "current-user-privilege-set"}: "<d:privilege><d:read/></d:privilege><d:privilege><d:write/></d:privilege><d:privilege><d:write-content/></d:privilege><d:privilege><d:bind/></d:privilege><d:privilege><d:unbind/></d:privilege>",
		{Space: nsCard, Local: "supported-address-data"}:    `<card:address-data-type content-type="text/vcard" version="3.0"/><card:address-data-type content-type="text/vcard" version="4.0"/>`,
		{Space: nsCard, Local: "addressbook-description"}:   "Your people in Rapport: their history stays in Rapport",
		{Space: nsCard, Local: "max-resource-size"}:         strconv.Itoa(maxBody),
	}
	m := newMultistatus()
	m.response(davBook, asked, found)
	if r.Header.Get("Depth") != "0" {
		cards, err := s.app.DavCards(ctx) // as davSync above left them
		if err != nil {
			davError(w, err)
			return
		}
		if all {
			asked = cardProps
		}
		for _, c := range cards {
			m.response(davBook+c.Href, asked, cardFound(c))
		}
	}
	m.send(w, "")
}

func cardFound(c app.DavCardObject) map[xml.Name]string {
	return map[xml.Name]string{
		propResourceType: "",
		propETag:         escapeXML(strconv.Quote(c.ETag)),
		propContentType:  "text/vcard; charset=utf-8",
		propLastModified: c.Updated.UTC().Format(http.TimeFormat),
	}
}

// davSyncCollection answers REPORT sync-collection: what changed since the
// token (everything for none), with a new token.
func (s *Server) davSyncCollection(w http.ResponseWriter, r *http.Request, body []byte) {
	ctx := r.Context()
	var sb syncBody
	if err := xml.Unmarshal(body, &sb); err != nil {
		http.Error(w, "Could not read the sync-collection: "+err.Error(), http.StatusBadRequest)
		return
	}
	var since int64
	if t := strings.TrimSpace(sb.SyncToken); t != "" {
		n, err := strconv.ParseInt(strings.TrimPrefix(t, syncPrefix), 10, 64)
		if err != nil || !strings.HasPrefix(t, syncPrefix) {
			invalidToken(w)
			return
		}
		since = n
	}
	if _, err := s.davSync(ctx); err != nil {
		davError(w, err)
		return
	}
	changes, seq, err := s.app.DavChanges(ctx, since)
	if rapport.ErrorCode(err) == rapport.EINVALID {
		invalidToken(w)
		return
	}
	if err != nil {
		davError(w, err)
		return
	}
	asked := []xml.Name{propETag}
	if sb.Prop != nil {
		asked = names(sb.Prop.Names)
	}
	version := davOf(ctx).version
	m := newMultistatus()
	for _, c := range changes {
		if c.ETag == "" {
			if since > 0 { // a first sync lists only what is there
				m.gone(davBook + c.Href)
			}
			continue
		}
		found := map[xml.Name]string{propETag: escapeXML(strconv.Quote(c.ETag)), propContentType: "text/vcard; charset=utf-8", propResourceType: ""}
		if wants(asked, propAddressData) {
			o, card, err := s.app.DavCard(ctx, c.Href, version)
			if err != nil {
				davError(w, err)
				return
			}
			found[propAddressData], found[propETag] = escapeXML(string(card)), escapeXML(strconv.Quote(o.ETag))
		}
		m.response(davBook+c.Href, asked, found)
	}
	m.send(w, "<d:sync-token>"+syncPrefix+strconv.FormatInt(seq, 10)+"</d:sync-token>")
}

func wants(asked []xml.Name, n xml.Name) bool {
	for _, a := range asked {
		if a == n {
			return true
		}
	}
	return false
}

// invalidToken is RFC 6578's answer to a token the server did not give (or
// no longer honours): the client starts over with an empty one.
func invalidToken(w http.ResponseWriter) {
	w.Header().Set("Content-Type", `application/xml; charset="utf-8"`)
	w.WriteHeader(http.StatusForbidden)
	_, _ = io.WriteString(w, `<?xml version="1.0" encoding="utf-8"?>`+"\n"+`<d:error xmlns:d="DAV:"><d:valid-sync-token/></d:error>`)
}

// davBackend is the book for go-webdav.
type davBackend struct {
	app  *app.App
	sync func(context.Context) (int64, error)
}

var errNoBooks = webdav.NewHTTPError(http.StatusForbidden, errors.New("rapport has one address book: it cannot be made or removed"))

func (b *davBackend) CurrentUserPrincipal(context.Context) (string, error) { return davPrincipal, nil }

func (b *davBackend) AddressBookHomeSetPath(context.Context) (string, error) { return davHome, nil }

func (b *davBackend) book() carddav.AddressBook {
	return carddav.AddressBook{Path: davBook, Name: "Rapport", Description: "Your people in Rapport: their history stays in Rapport",
		MaxResourceSize: maxBody, SupportedAddressData: []carddav.AddressDataType{
			{ContentType: govcard.MIMEType, Version: app.VCard3}, {ContentType: govcard.MIMEType, Version: app.VCard4}}}
}

func (b *davBackend) ListAddressBooks(context.Context) ([]carddav.AddressBook, error) {
	return []carddav.AddressBook{b.book()}, nil
}

func (b *davBackend) GetAddressBook(_ context.Context, p string) (*carddav.AddressBook, error) {
	if path.Clean(p)+"/" != davBook {
		return nil, webdav.NewHTTPError(http.StatusNotFound, fmt.Errorf("no address book at %s", p))
	}
	ab := b.book()
	return &ab, nil
}

func (b *davBackend) CreateAddressBook(context.Context, *carddav.AddressBook) error {
	return errNoBooks
}

func (b *davBackend) DeleteAddressBook(context.Context, string) error { return errNoBooks }

// href is a card's name in the book, from its path.
func href(p string) (string, error) {
	if path.Dir(p)+"/" != davBook {
		return "", webdav.NewHTTPError(http.StatusNotFound, fmt.Errorf("no card at %s", p))
	}
	return path.Base(p), nil
}

func decodeCard(b []byte) (govcard.Card, error) {
	return govcard.NewDecoder(bytes.NewReader(b)).Decode()
}

func (b *davBackend) GetAddressObject(ctx context.Context, p string, _ *carddav.AddressDataRequest) (*carddav.AddressObject, error) {
	h, err := href(p)
	if err != nil {
		return nil, err
	}
	o, card, err := b.app.DavCard(ctx, h, davOf(ctx).version)
	if err != nil {
		return nil, httpErr(err)
	}
	c, err := decodeCard(card)
	if err != nil {
		return nil, err
	}
	return &carddav.AddressObject{Path: davBook + o.Href, ModTime: o.Updated, ContentLength: int64(len(card)), ETag: o.ETag, Card: c}, nil
}

func (b *davBackend) ListAddressObjects(ctx context.Context, p string, _ *carddav.AddressDataRequest) ([]carddav.AddressObject, error) {
	if _, err := b.GetAddressBook(ctx, p); err != nil {
		return nil, err
	}
	if _, err := b.sync(ctx); err != nil {
		return nil, httpErr(err)
	}
	cards, err := b.app.DavCards(ctx)
	if err != nil {
		return nil, httpErr(err)
	}
	out := make([]carddav.AddressObject, 0, len(cards))
	for _, o := range cards {
		c, err := decodeCard(app.RenderCard(o.Row, davOf(ctx).version))
		if err != nil {
			return nil, err
		}
		out = append(out, carddav.AddressObject{Path: davBook + o.Href, ModTime: o.Updated, ETag: o.ETag, Card: c})
	}
	return out, nil
}

func (b *davBackend) QueryAddressObjects(ctx context.Context, p string, q *carddav.AddressBookQuery) ([]carddav.AddressObject, error) {
	all, err := b.ListAddressObjects(ctx, p, &q.DataRequest)
	if err != nil {
		return nil, err
	}
	return carddav.Filter(q, all)
}

func (b *davBackend) PutAddressObject(ctx context.Context, p string, card govcard.Card, opts *carddav.PutAddressObjectOptions) (*carddav.AddressObject, error) {
	h, err := href(p)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := govcard.NewEncoder(&buf).Encode(card); err != nil {
		return nil, webdav.NewHTTPError(http.StatusBadRequest, err)
	}
	d := davOf(ctx)
	etag, _, err := b.app.PutDavCard(ctx, app.DavPut{Href: h, IfMatch: string(opts.IfMatch), IfNoneMatch: string(opts.IfNoneMatch), Card: buf.Bytes(), Device: d.device})
	if err != nil {
		return nil, httpErr(err)
	}
	return &carddav.AddressObject{Path: davBook + h, ETag: etag, Card: card}, nil
}

func (b *davBackend) DeleteAddressObject(ctx context.Context, p string) error {
	h, err := href(p)
	if err != nil {
		return err
	}
	d := davOf(ctx)
	return httpErr(b.app.DeleteDavCard(ctx, h, d.ifMatch, d.device))
}

// limiter refuses a client after too many failed sign-ins in a window.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	fails  map[string][]time.Time
}

func newLimiter(max int, window time.Duration) *limiter {
	return &limiter{max: max, window: window, fails: map[string][]time.Time{}}
}

func (l *limiter) recent(ip string, now time.Time) []time.Time {
	var keep []time.Time
	for _, t := range l.fails[ip] {
		if now.Sub(t) < l.window {
			keep = append(keep, t)
		}
	}
	if keep == nil {
		delete(l.fails, ip)
	} else {
		l.fails[ip] = keep
	}
	return keep
}

func (l *limiter) allow(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent(ip, time.Now())) < l.max
}

func (l *limiter) fail(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	l.fails[ip] = append(l.recent(ip, now), now)
}
