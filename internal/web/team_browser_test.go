package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/rapport-app/rapport/internal/app"
	"github.com/rapport-app/rapport/internal/store/pgtest"
)

// A team's first day, in a browser: the owner (who made the workspace with
// `rapport team init`) signs in with their link and invites two members from
// the settings page; each member signs in with theirs and imports a file;
// Cal finds on Xavier's page that Ann knows him best, finds the way in
// through her, and records the ask for an introduction; Pat, about to ask
// Xavier for a call, is told to wait, because Cal asked this week.
func TestBrowserTeamFirstDay(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("the team server runs on PostgreSQL: RAPPORT_TEST_ENGINE=postgres runs this")
	}
	ctx, f, _ := browserWith(t, 0)
	bg := context.Background()
	owner := must[*app.Invitation](t)(f.app.TeamInit(bg, "Acme Partners", "Pat Partner <pat@acme.example>"))
	s := f.teamServer()
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	base := ts.URL

	// The files: Ann's mailbox, where she wrote Xavier often this year;
	// Cal's address book, with Xavier (by the same email) and Yara.
	dir := t.TempDir()
	var mbox strings.Builder
	for i := range 8 {
		at := now.AddDate(0, 0, -10-30*i)
		fmt.Fprintf(&mbox, "From ann@acme.example %s\nFrom: Ann Admin <ann@acme.example>\nTo: Xavier Xu <xavier@fund.example>\nDate: %s\nSubject: catching up %d\nMessage-ID: <m%d@acme.example>\n\nHello\n\n",
			at.Format("Mon Jan _2 15:04:05 2006"), at.Format(time.RFC1123Z), i, i)
		fmt.Fprintf(&mbox, "From xavier@fund.example %s\nFrom: Xavier Xu <xavier@fund.example>\nTo: Ann Admin <ann@acme.example>\nDate: %s\nSubject: Re: catching up %d\nMessage-ID: <r%d@fund.example>\n\nHi\n\n",
			at.Add(time.Hour).Format("Mon Jan _2 15:04:05 2006"), at.Add(time.Hour).Format(time.RFC1123Z), i, i)
	}
	annFile, calFile := filepath.Join(dir, "ann.mbox"), filepath.Join(dir, "cal.vcf")
	if err := os.WriteFile(annFile, []byte(mbox.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	vcf := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Xavier Xu\r\nEMAIL:xavier@fund.example\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Yara Yi\r\nEMAIL:yara@example.com\r\nEND:VCARD\r\n"
	if err := os.WriteFile(calFile, []byte(vcf), 0o644); err != nil {
		t.Fatal(err)
	}
	var text string
	run(t, ctx, "the owner signs in with the link team init printed",
		chromedp.Navigate(base+owner.Link), chromedp.WaitVisible(`main`, chromedp.ByQuery))
	link := regexp.MustCompile(`/signin/[A-Za-z0-9_-]{43}`)
	invite := func(email string) string {
		run(t, ctx, "invite "+email,
			chromedp.Navigate(base+"/settings"),
			chromedp.SetValue(`form[action="/settings/members"] input[name=email]`, email, chromedp.ByQuery),
			chromedp.Submit(`form[action="/settings/members"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`code.secret`, chromedp.ByQuery),
			chromedp.Text(`code.secret`, &text, chromedp.ByQuery))
		l := link.FindString(text)
		if l == "" {
			t.Fatalf("no sign-in link for %s in %q", email, text)
		}
		return l
	}
	annLink, calLink := invite("Ann Admin <ann@acme.example>"), invite("Cal Colleague <cal@acme.example>")
	importFile := func(who, source, file, me string) {
		actions := []chromedp.Action{
			chromedp.Navigate(base + "/import"),
			chromedp.WaitVisible(`#import-form`, chromedp.ByQuery),
			chromedp.SetValue(`select[name=source]`, source, chromedp.ByQuery),
			chromedp.SetUploadFiles(`input[type=file]`, []string{file}, chromedp.ByQuery),
		}
		if me != "" {
			actions = append(actions, chromedp.SetValue(`input[name=me]`, me, chromedp.ByQuery))
		}
		actions = append(actions, chromedp.Click(`#import-form button[type=submit]`, chromedp.ByQuery), chromedp.WaitVisible(`table.summary`, chromedp.ByQuery))
		run(t, ctx, who+" imports "+filepath.Base(file), actions...)
	}
	run(t, ctx, "ann signs in", chromedp.Navigate(base+annLink), chromedp.WaitVisible(`main`, chromedp.ByQuery))
	importFile("ann", "mbox", annFile, "ann@acme.example")
	run(t, ctx, "cal signs in", chromedp.Navigate(base+calLink), chromedp.WaitVisible(`main`, chromedp.ByQuery))
	importFile("cal", "vcard", calFile, "")

	// Cal opens Xavier: one record for the team, and Ann knows him best.
	acme := must[*app.App](t)(f.app.Workspace(bg, owner.Member.Workspace.ID))
	t.Cleanup(func() { acme.Close() })
	x := must[*app.PersonDetail](t)(acme.Show(bg, "xavier@fund.example"))
	run(t, ctx, "cal opens xavier's page", chromedp.Navigate(base+"/people/"+x.ID),
		chromedp.WaitVisible(`main`, chromedp.ByQuery), chromedp.Text(`main`, &text, chromedp.ByQuery))
	if !strings.Contains(strings.ToLower(text), "who on your team knows them") || !strings.Contains(text, "ann@acme.example") ||
		!strings.Contains(text, "Ann Admin's") || strings.Contains(text, "catching up") || strings.Contains(text, "Remove") {
		t.Errorf("xavier's page, for cal: %q", text)
	}
	run(t, ctx, "cal looks for a way in", chromedp.Navigate(base+"/network?intro="+x.ID),
		chromedp.WaitVisible(`#intro-h`, chromedp.ByQuery), chromedp.Text(`main`, &text, chromedp.ByQuery))
	if !strings.Contains(strings.ToLower(text), "through your teammates") || !strings.Contains(text, "Ann Admin → Xavier Xu") {
		t.Errorf("the way in, for cal: %q", text)
	}
	run(t, ctx, "cal asks for the introduction, and records it",
		chromedp.Navigate(base+"/ask?person="+x.ID+"&action=introduce"),
		chromedp.SetValue(`#ask-form input[name=note]`, "through Ann, about our fund", chromedp.ByQuery),
		chromedp.Click(`#ask-form button[value=record]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.verdict`, chromedp.ByQuery))
	if sel := `.verdict button[value=force]`; true {
		var n int
		run(t, ctx, "cal's verdict", chromedp.Evaluate(`document.querySelectorAll("`+sel+`").length`, &n))
		if n > 0 { // the guard said to give first: Cal asks anyway, through Ann
			run(t, ctx, "cal asks anyway", chromedp.Click(sel, chromedp.ByQuery), chromedp.WaitVisible(`.verdict .ok`, chromedp.ByQuery))
		}
	}
	// Pat, the third, is told to wait: Cal asked this week.
	run(t, ctx, "pat signs in with a password-less token", chromedp.Navigate(base+"/login"))
	tok := must[string](t)(f.app.TeamToken(bg, "Acme Partners", "pat@acme.example"))
	run(t, ctx, "pat signs in",
		chromedp.SetValue(`input[name=token]`, tok, chromedp.ByQuery),
		chromedp.Submit(`input[name=token]`, chromedp.ByQuery),
		chromedp.WaitVisible(`main`, chromedp.ByQuery))
	run(t, ctx, "pat checks an ask of xavier",
		chromedp.Navigate(base+"/ask?person="+x.ID+"&action=call"),
		chromedp.Click(`#ask-form button[value=check]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.verdict`, chromedp.ByQuery),
		chromedp.Text(`.verdict`, &text, chromedp.ByQuery))
	if !strings.Contains(text, "Wait") || !strings.Contains(text, "Cal Colleague on your team asked them") || strings.Contains(text, "about our fund") {
		t.Errorf("pat's verdict: %q", text)
	}
	for _, v := range axeViolations(t, ctx) {
		t.Errorf("the verdict: accessibility: %s", v)
	}
}

// A member adds a passkey from their settings and signs in with it, with no
// email or password (a virtual authenticator stands in for the phone);
// once removed, it signs no one in.
func TestBrowserPasskey(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("the team server runs on PostgreSQL: RAPPORT_TEST_ENGINE=postgres runs this")
	}
	ctx, f, _ := browserWith(t, 0)
	bg := context.Background()
	owner := must[*app.Invitation](t)(f.app.TeamInit(bg, "Acme Partners", "Pat Partner <pat@acme.example>"))
	ts := httptest.NewServer(f.teamServer())
	t.Cleanup(ts.Close)
	// A passkey belongs to a host name (an address like 127.0.0.1 is not one).
	base := strings.Replace(ts.URL, "127.0.0.1", "localhost", 1)
	var text string
	run(t, ctx, "a virtual authenticator", chromedp.ActionFunc(func(ctx context.Context) error {
		if err := webauthn.Enable().Do(ctx); err != nil {
			return err
		}
		_, err := webauthn.AddVirtualAuthenticator(&webauthn.VirtualAuthenticatorOptions{Protocol: webauthn.AuthenticatorProtocolCtap2,
			Transport: webauthn.AuthenticatorTransportInternal, HasResidentKey: true, HasUserVerification: true,
			IsUserVerified: true, AutomaticPresenceSimulation: true}).Do(ctx)
		return err
	}))
	run(t, ctx, "pat signs in with the link and adds a passkey",
		chromedp.Navigate(base+owner.Link), chromedp.WaitVisible(`main`, chromedp.ByQuery),
		chromedp.Navigate(base+"/settings"), chromedp.WaitVisible(`[data-passkey-add]`, chromedp.ByQuery),
		chromedp.SetValue(`#passkey-name`, "laptop", chromedp.ByQuery),
		chromedp.Click(`[data-passkey-add]`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action$="/delete"][action^="/settings/passkeys/"]`, chromedp.ByQuery),
		chromedp.Text(`#passkeys`, &text, chromedp.ByQuery))
	if !strings.Contains(text, "laptop") {
		t.Errorf("pat's passkeys: %q", text)
	}
	keys := must[[]app.Passkey](t)(f.app.Passkeys(bg, &owner.Member))
	if len(keys) != 1 || keys[0].Name != "laptop" || keys[0].Used != nil {
		t.Fatalf("stored passkeys: %+v", keys)
	}
	run(t, ctx, "pat signs out, and in with the passkey",
		chromedp.Submit(`form[action="/logout"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-passkey-signin]`, chromedp.ByQuery),
		chromedp.Click(`[data-passkey-signin]`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`[data-passkey-signin]`, chromedp.ByQuery),
		chromedp.Navigate(base+"/settings"), chromedp.WaitVisible(`#team-h`, chromedp.ByQuery), chromedp.Text(`main`, &text, chromedp.ByQuery))
	if !strings.Contains(text, "pat@acme.example, owner") {
		t.Errorf("after the passkey sign-in, settings say: %q", text)
	}
	if keys := must[[]app.Passkey](t)(f.app.Passkeys(bg, &owner.Member)); len(keys) != 1 || keys[0].Used == nil {
		t.Errorf("the passkey's use is not noted: %+v", keys)
	}
	run(t, ctx, "pat removes it, signs out, and the passkey no longer signs in",
		chromedp.Submit(`form[action^="/settings/passkeys/"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#team-h`, chromedp.ByQuery),
		chromedp.Submit(`form[action="/logout"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-passkey-signin]`, chromedp.ByQuery),
		chromedp.Click(`[data-passkey-signin]`, chromedp.ByQuery),
		chromedp.Poll(`document.querySelector("#passkey-status").textContent`, &text),
		chromedp.Text(`#passkey-status`, &text, chromedp.ByQuery))
	if !strings.Contains(text, "does not sign anyone in") {
		t.Errorf("a removed passkey: %q", text)
	}
}
