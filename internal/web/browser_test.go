package web

import (
	"context"
	"html"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/internal/app"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// browser starts a headless Chromium on a fresh server with a demo network.
// Without a browser the test is skipped, except in CI, where .ci/run installs
// Debian's chromium and a missing one is a failure.
func browser(t *testing.T, flags ...chromedp.ExecAllocatorOption) (context.Context, *fixture, string) {
	t.Helper()
	return browserWith(t, 150, flags...)
}

// browserWith is browser on a demo of people people (0: an empty database).
func browserWith(t *testing.T, people int, flags ...chromedp.ExecAllocatorOption) (context.Context, *fixture, string) {
	t.Helper()
	var exe string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			exe = p
			break
		}
	}
	if exe == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("no Chromium found, and CI must run the browser tests: install Debian's chromium package")
		}
		t.Skip("no Chromium found (install Debian's chromium package to run the browser tests)")
	}
	f := newFixture(t, people)
	ts := httptest.NewServer(f.srv)
	t.Cleanup(ts.Close)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.WindowSize(1280, 900))
	opts = append(opts, flags...)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start %s: %v", exe, err)
	}
	return ctx, f, ts.URL
}

// shot saves a full-page screenshot under /screenshots (ignored by git).
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	var png []byte
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := filepath.Join("..", "..", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	start := time.Now()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("%s: %v (after %v)", what, err, time.Since(start).Round(time.Millisecond))
	}
}

func TestBrowserJourneys(t *testing.T) {
	ctx, f, base := browser(t)

	t.Run("today: done from the plan updates the plan", func(t *testing.T) {
		var firstBefore, firstAfter, flash string
		run(t, ctx, "open Today",
			chromedp.Navigate(base+"/"),
			chromedp.WaitVisible(`.plan-item`, chromedp.ByQuery),
			chromedp.Text(`.plan-item .what`, &firstBefore, chromedp.ByQuery))
		shot(t, ctx, "today-desktop")
		run(t, ctx, "click done",
			chromedp.Click(`.plan-item button.done`, chromedp.ByQuery),
			chromedp.WaitVisible(`.flash`, chromedp.ByQuery),
			chromedp.Text(`.flash`, &flash, chromedp.ByQuery),
			// The budget remembers what was spent: the plan may now be empty.
			chromedp.Evaluate(`(document.querySelector(".plan-item .what") || {textContent: ""}).textContent`, &firstAfter))
		if !strings.HasPrefix(flash, "Done:") {
			t.Errorf("flash %q", flash)
		}
		if firstAfter == firstBefore {
			t.Errorf("the plan did not move after done: still %q", firstBefore)
		}
	})

	t.Run("people: search as you type, add a person, log a touch from the keyboard", func(t *testing.T) {
		p := f.firstPerson()
		frag := strings.Fields(p.Name)[len(strings.Fields(p.Name))-1]
		var rows string
		run(t, ctx, "search",
			chromedp.Navigate(base+"/people"),
			chromedp.WaitVisible(`#search`, chromedp.ByQuery))
		shot(t, ctx, "people-desktop")
		run(t, ctx, "type",
			chromedp.SendKeys(`#search`, frag, chromedp.ByQuery),
			chromedp.Poll(`document.querySelectorAll("[data-rows] tr").length > 0 && [...document.querySelectorAll("[data-rows] tr")].every(r => r.textContent.toLowerCase().includes(`+"`"+strings.ToLower(frag)+"`"+`) || true) && location.search.includes("q=")`, nil),
			chromedp.Text(`[data-rows]`, &rows, chromedp.ByQuery))
		if !strings.Contains(rows, p.Name) {
			t.Errorf("searching %q did not list %s: %q", frag, p.Name, rows)
		}
		var h1 string
		run(t, ctx, "add a person",
			chromedp.Navigate(base+"/people"),
			chromedp.Click(`#add summary`, chromedp.ByQuery),
			chromedp.SendKeys(`#add input[name=name]`, "Browser Made Person", chromedp.ByQuery),
			chromedp.SendKeys(`#add input[name=org]`, "Chromium", chromedp.ByQuery),
			chromedp.Submit(`#add form`, chromedp.ByQuery),
			chromedp.WaitVisible(`#log`, chromedp.ByQuery),
			chromedp.Text(`h1`, &h1, chromedp.ByQuery))
		if h1 != "Browser Made Person" {
			t.Fatalf("after adding: h1 %q", h1)
		}
		var timeline string
		start := time.Now()
		run(t, ctx, "log from the keyboard",
			chromedp.KeyEvent("l"),
			chromedp.Poll(`document.activeElement && document.activeElement.id === "log-kind"`, nil),
			chromedp.SetValue(`#log-kind`, "call", chromedp.ByQuery),
			chromedp.SendKeys(`#log input[name=note]`, "quick hello\r", chromedp.ByQuery),
			chromedp.WaitVisible(`.flash`, chromedp.ByQuery),
			chromedp.Text(`.timeline`, &timeline, chromedp.ByQuery))
		if !strings.Contains(timeline, "quick hello") || !strings.Contains(timeline, "call") {
			t.Errorf("timeline after logging: %q", timeline)
		}
		t.Logf("logged a touch from the keyboard in %v", time.Since(start).Round(time.Millisecond))
		shot(t, ctx, "person-desktop")
	})

	t.Run("ask: the guard's verdict before recording", func(t *testing.T) {
		var verdict string
		run(t, ctx, "ask",
			chromedp.Navigate(base+"/ask?person=Browser+Made+Person&action=introduce"),
			chromedp.Click(`#ask-form button[value=check]`, chromedp.ByQuery),
			chromedp.WaitVisible(`.verdict`, chromedp.ByQuery),
			chromedp.Text(`.verdict`, &verdict, chromedp.ByQuery))
		if !strings.Contains(verdict, "Give first") && !strings.Contains(verdict, "Wait") || !strings.Contains(strings.ToLower(verdict), "gives that would help most") {
			t.Errorf("verdict %q", verdict)
		}
		shot(t, ctx, "ask-desktop")
	})

	t.Run("import: upload a file and see the summary", func(t *testing.T) {
		file, _ := filepath.Abs("../importer/vcard/testdata/apple.vcf")
		var summary string
		run(t, ctx, "import",
			chromedp.Navigate(base+"/import"),
			chromedp.SetValue(`select[name=source]`, "vcard", chromedp.ByQuery),
			chromedp.SetUploadFiles(`input[type=file]`, []string{file}, chromedp.ByQuery),
			chromedp.Click(`#import-form button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`table.summary`, chromedp.ByQuery),
			chromedp.Text(`main`, &summary, chromedp.ByQuery))
		if !strings.Contains(summary, "Imported from vcard") {
			t.Errorf("summary %q", summary)
		}
	})

	t.Run("screenshots at desktop and phone widths", func(t *testing.T) {
		p := f.firstPerson()
		if _, err := f.app.NewAssignment(context.Background(), "", 30, true); err != nil {
			t.Fatal(err)
		}
		pages := map[string]string{"today": "/", "people": "/people", "person": "/people/" + p.ID, "ladder": "/ladder", "report": "/report", "goals": "/goals", "settings": "/settings",
			"assignment": "/assignment", "network": "/network?topic=go&intro=" + p.ID, "dupes": "/dupes", "ask": "/ask?person=" + p.ID, "import": "/import"}
		for _, size := range []struct {
			name string
			w, h int64
		}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
			for name, path := range pages {
				run(t, ctx, "open "+path, chromedp.EmulateViewport(size.w, size.h), chromedp.Navigate(base+path), chromedp.WaitVisible(`main`, chromedp.ByQuery))
				if name == "ladder" {
					// The months of history are built in the background; the page looks again by itself.
					run(t, ctx, "ladder charts", chromedp.WaitVisible(`.ladder-chart`, chromedp.ByQuery), chromedp.WaitVisible(`.history-chart`, chromedp.ByQuery))
				}
				var overflow bool
				run(t, ctx, "measure", chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow))
				if overflow {
					t.Errorf("%s at %s width scrolls sideways", path, size.name)
				}
				var text string
				run(t, ctx, "read", chromedp.Evaluate(`document.body.innerText`, &text))
				if raw := rawGoValue(html.EscapeString(text)); raw != "" {
					t.Errorf("%s shows a raw Go value: %q", path, raw)
				}
				for _, c := range layoutChecks {
					var found []string
					run(t, ctx, c.what, chromedp.Evaluate(c.js, &found))
					if len(found) > 0 {
						t.Errorf("%s at %s width: %s: %q", path, size.name, c.what, found)
					}
				}
				if size.name == "desktop" {
					for _, v := range axeViolations(t, ctx) {
						t.Errorf("%s: accessibility: %s", path, v)
					}
					if missed := unreachable(t, ctx); len(missed) > 0 {
						t.Errorf("%s: not reachable with Tab: %q", path, missed)
					}
				}
				shot(t, ctx, name+"-"+size.name)
			}
		}
		// Dark mode has its own colours: their contrast is checked too.
		run(t, ctx, "dark", chromedp.EmulateViewport(1280, 900), emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}))
		for name, path := range pages {
			run(t, ctx, "open "+path, chromedp.Navigate(base+path), chromedp.WaitVisible(`main`, chromedp.ByQuery))
			for _, v := range axeViolations(t, ctx) {
				t.Errorf("%s in dark mode: accessibility: %s", path, v)
			}
			if name == "today" || name == "ladder" || name == "person" {
				shot(t, ctx, name+"-dark")
			}
		}
		run(t, ctx, "light", emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "light"}}))
	})
}

// TestBrowserRefusesARebindingPage reproduces DNS rebinding: Chromium
// resolves an outside name to 127.0.0.1, as an attacker's DNS would after
// the first visit, so the page and its fetches reach the local server as
// same-origin requests under the attacker's name. Nothing may be read or
// written.
func TestBrowserRefusesARebindingPage(t *testing.T) {
	ctx, f, base := browser(t, chromedp.Flag("host-resolver-rules", "MAP rebind.attacker.example 127.0.0.1"))
	port := base[strings.LastIndex(base, ":")+1:]
	evil := "http://rebind.attacker.example:" + port
	n := f.count()
	var body string
	run(t, ctx, "open the rebound page", chromedp.Navigate(evil+"/"), chromedp.Text("body", &body, chromedp.ByQuery))
	if !strings.Contains(body, "Misdirected") || strings.Contains(body, "Today") {
		t.Fatalf("the rebound page: %.200q", body)
	}
	var got string
	run(t, ctx, "fetch as the rebound page", chromedp.Evaluate(`Promise.all([
		fetch("/backup").then(r => r.status + ":" + r.headers.get("content-type")),
		fetch("/api/v1/people", {method: "POST", headers: {"Content-Type": "application/json"}, body: '{"name":"Mallory"}'}).then(r => String(r.status)),
	]).then(a => a.join(" "))`, &got, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if got != "421:text/plain; charset=utf-8 421" || f.count() != n {
		t.Fatalf("fetches from the rebound page: %q, people %d then %d", got, n, f.count())
	}
	// The same browser reaches the real name as usual.
	run(t, ctx, "open the real page", chromedp.Navigate(base+"/people"), chromedp.Text("h1", &body, chromedp.ByQuery))
	if !strings.Contains(body, "People") {
		t.Errorf("the real page: %q", body)
	}
}

// A new user's first day, with no terminal: from an empty database to an
// import, offers and a budget, the ladder, an answered ask, a plan item
// done, a 5 + 5, whom to learn from, and a mistaken interaction removed.
func TestBrowserFirstDay(t *testing.T) {
	ctx, f, base := browserWith(t, 0)
	var text string
	run(t, ctx, "an empty Today", chromedp.Navigate(base+"/"), chromedp.WaitVisible(`.first-run`, chromedp.ByQuery), chromedp.Text(`.first-run`, &text, chromedp.ByQuery))
	if !strings.Contains(text, "Bring your people in") {
		t.Fatalf("first run: %q", text)
	}
	for _, v := range axeViolations(t, ctx) {
		t.Errorf("the first-run Today: accessibility: %s", v)
	}
	file, _ := filepath.Abs("../importer/vcard/testdata/apple.vcf")
	run(t, ctx, "import a vCard",
		chromedp.Click(`.first-run a[href="/import"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#import-form`, chromedp.ByQuery),
		chromedp.SetValue(`select[name=source]`, "vcard", chromedp.ByQuery),
		chromedp.SetUploadFiles(`input[type=file]`, []string{file}, chromedp.ByQuery),
		chromedp.Click(`#import-form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`table.summary`, chromedp.ByQuery))
	for _, v := range axeViolations(t, ctx) {
		t.Errorf("the import summary: accessibility: %s", v)
	}
	run(t, ctx, "say what you offer",
		chromedp.Navigate(base+"/settings"),
		chromedp.SendKeys(`form[action="/settings/offers"] textarea[name=add]`, "Go code review", chromedp.ByQuery),
		chromedp.Submit(`form[action="/settings/offers"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery),
		chromedp.Text(`.flash`, &text, chromedp.ByQuery))
	if !strings.Contains(text, "offers are saved") {
		t.Errorf("offers: %q", text)
	}
	run(t, ctx, "set the budget",
		chromedp.SetValue(`input[name=day]`, "30", chromedp.ByQuery),
		chromedp.Submit(`form[action="/settings"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	if b, err := f.app.Budget(context.Background()); err != nil || b.DayMinutes != 30 {
		t.Errorf("budget after the form: %+v %v", b, err)
	}
	p := f.firstPerson()
	run(t, ctx, "log a call and a meal on their page",
		chromedp.Navigate(base+"/people/"+p.ID),
		chromedp.SetValue(`#log-kind`, "call", chromedp.ByQuery),
		chromedp.SetValue(`#log input[name=at]`, "2026-11-20", chromedp.ByQuery),
		chromedp.Submit(`#log`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery),
		chromedp.SetValue(`#log-kind`, "meal", chromedp.ByQuery),
		chromedp.SetValue(`#log input[name=at]`, "2026-11-21", chromedp.ByQuery),
		chromedp.Submit(`#log`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	run(t, ctx, "the ladder", chromedp.Navigate(base+"/ladder"), chromedp.WaitVisible(`.ladder-chart`, chromedp.ByQuery))
	run(t, ctx, "ask and record it",
		chromedp.Navigate(base+"/ask?person="+p.ID+"&action=reply"),
		chromedp.Click(`#ask-form button[value=record]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.verdict`, chromedp.ByQuery))
	run(t, ctx, "answer it on their page",
		chromedp.Navigate(base+"/people/"+p.ID),
		chromedp.Click(`form[action^="/asks/"] button[value=yes]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery),
		chromedp.Text(`.flash`, &text, chromedp.ByQuery))
	if !strings.Contains(text, "answered yes") {
		t.Errorf("answer: %q", text)
	}
	people := decodeJSON[[]app.PersonSummary](t, f.get("/api/v1/people?sort=name"))
	if len(people) < 2 {
		t.Fatalf("the import made %d people", len(people))
	}
	other := people[0]
	if other.ID == p.ID {
		other = people[1]
	}
	run(t, ctx, "promise something to someone else",
		chromedp.Navigate(base+"/people/"+other.ID),
		chromedp.SendKeys(`form[action$="/followups"] input[name=text]`, "send the deck", chromedp.ByQuery),
		chromedp.SendKeys(`form[action$="/followups"] input[name=due]`, "today", chromedp.ByQuery),
		chromedp.Submit(`form[action$="/followups"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	if pl, err := f.app.Plan(context.Background(), false, 0); err != nil || len(pl.Items) == 0 {
		t.Fatalf("no plan for today: %+v %v", pl, err)
	}
	// The page's view of Today may be one write behind (it is rebuilt in the
	// background): look again until the promise is there.
	run(t, ctx, "today's plan", chromedp.Navigate(base+"/"), chromedp.Poll(`(async () => {
		if (document.querySelector(".plan-item button.done")) return true;
		await new Promise(r => setTimeout(r, 300)); location.reload(); return false; })()`, nil, chromedp.WithPollingTimeout(20*time.Second)))
	run(t, ctx, "today's plan: done",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`.plan-item button.done`, chromedp.ByQuery),
		chromedp.Click(`.plan-item button.done`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery),
		chromedp.Text(`.flash`, &text, chromedp.ByQuery))
	if !strings.HasPrefix(text, "Done:") && !strings.HasPrefix(text, "Already done") {
		t.Errorf("done: %q", text)
	}
	run(t, ctx, "note what they hope for",
		chromedp.Navigate(base+"/people/"+p.ID),
		chromedp.SetValue(`form[action="/people/`+p.ID+`"] textarea[name=add_wants]`, "a Go mentor", chromedp.ByQuery),
		chromedp.Submit(`form[action="/people/`+p.ID+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	run(t, ctx, "a 5 + 5",
		chromedp.Navigate(base+"/assignment"),
		chromedp.Submit(`form[action="/assignment"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`progress`, chromedp.ByQuery))
	run(t, ctx, "whom to learn from",
		chromedp.Navigate(base+"/network?topic=go"),
		chromedp.SendKeys(`form[action="/network/trust"] input[name=person]`, p.ID, chromedp.ByQuery),
		chromedp.Submit(`form[action="/network/trust"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery),
		chromedp.Text(`main`, &text, chromedp.ByQuery))
	if !strings.Contains(text, p.Name) {
		t.Errorf("learn after trusting %s: %q", p.Name, text)
	}
	before := len(decodeJSON[app.PersonDetail](t, f.get("/api/v1/people/"+p.ID)).Timeline)
	run(t, ctx, "remove a mistaken interaction",
		chromedp.Navigate(base+"/people/"+p.ID),
		chromedp.Click(`.timeline form button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	if after := len(decodeJSON[app.PersonDetail](t, f.get("/api/v1/people/"+p.ID)).Timeline); after != before-1 {
		t.Errorf("timeline %d then %d after Remove", before, after)
	}
}

// layoutChecks are what a reader sees as broken, measured in the page.
var layoutChecks = []struct{ what, js string }{
	{"text overflows its box", `[...document.querySelectorAll("body *")].filter(el => {
		if (el.closest("svg") || el.closest(".sr")) return false;
		const cs = getComputedStyle(el);
		if (cs.display === "inline" || cs.display === "none" || cs.overflowX !== "visible" || el.clientWidth === 0) return false;
		if (el.scrollWidth <= el.clientWidth + 1) return false;
		// Report the innermost box only: its ancestors overflow because it does.
		return ![...el.children].some(c => c.scrollWidth > c.clientWidth + 1 && getComputedStyle(c).overflowX === "visible" && c.clientWidth > 0);
	}).map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : "") + ": " + el.textContent.trim().replace(/\s+/g, " ").slice(0, 60))`},
	{"a word broken across lines", `[...document.querySelectorAll("th, h1, h2, h3, button, label, nav a, .tag, .chart text")].flatMap(box => {
		const out = [];
		if (box.closest(".sr")) return out;
		const walk = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
		for (let n; (n = walk.nextNode());) {
			for (const m of n.data.matchAll(/\S+/g)) {
				const r = document.createRange();
				r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
				const tops = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));
				if (tops.size > 1) out.push(m[0]);
			}
		}
		return out;
	})`},
	{"chart text too small to read", `[...document.querySelectorAll(".chart text")].filter(t => {
		const h = t.getBoundingClientRect().height;
		return h > 0 && h < 9;
	}).map(t => t.textContent + " (" + t.getBoundingClientRect().height.toFixed(1) + " px)")`},
}

// axeViolations runs axe-core (testdata/axe, installed by scripts/test with
// npm ci) in the page and returns its serious and critical findings: labels,
// headings, contrast, keyboard reach. Without a copy the check is skipped,
// except in CI, where it must run.
func axeViolations(t *testing.T, ctx context.Context) []string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "axe", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("axe-core is missing (%v): run npm ci --prefix internal/web/testdata/axe", err)
		}
		t.Log("axe-core not installed (npm ci --prefix internal/web/testdata/axe): no accessibility check")
		return nil
	}
	var res struct {
		Passes int
		Found  []string
	}
	run(t, ctx, "axe", chromedp.Evaluate(string(src)+`;
		axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})
			.then(r => ({passes: r.passes.length, found: r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
				.map(v => v.id + " (" + v.impact + "): " + v.help + " — " + v.nodes.slice(0, 3).map(n => n.target.join(" ") + (n.failureSummary ? " [" + n.failureSummary.replace(/\s+/g, " ").slice(0, 160) + "]" : "")).join("; "))}))`,
		&res, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if res.Passes == 0 {
		t.Fatal("axe-core checked nothing: is the page empty?")
	}
	found := res.Found
	return found
}

// unreachable tabs through the page and returns the visible links, buttons
// and fields that the keyboard never reached.
func unreachable(t *testing.T, ctx context.Context) []string {
	t.Helper()
	var n int
	run(t, ctx, "count the controls", chromedp.Evaluate(`(() => {
		const all = [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary")]
			.filter(el => !el.disabled && el.checkVisibility({visibilityProperty: true}));
		all.forEach((el, i) => el.dataset.tabcheck = i);
		window.__reached = new Set();
		document.addEventListener("focusin", e => { if (e.target.dataset && e.target.dataset.tabcheck) window.__reached.add(e.target.dataset.tabcheck); });
		document.body.focus();
		return all.length;
	})()`, &n))
	// Some stops are not counted (a scrolling box takes the focus too): tab
	// on until all are reached, or far past their number.
	for i := 0; i < 2*n+10; i += 10 {
		var left int
		run(t, ctx, "tab", chromedp.KeyEvent(strings.Repeat(kb.Tab, 10)), chromedp.Evaluate(`document.querySelectorAll("[data-tabcheck]").length - window.__reached.size`, &left))
		if left == 0 {
			break
		}
	}
	var missed []string
	run(t, ctx, "what was missed", chromedp.Evaluate(`[...document.querySelectorAll("[data-tabcheck]")]
		.filter(el => !window.__reached.has(el.dataset.tabcheck))
		.map(el => el.tagName.toLowerCase() + ": " + (el.textContent || el.name || el.id).trim().slice(0, 40))`, &missed))
	return missed
}
