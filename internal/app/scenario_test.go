package app

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/model"
)

// loadWorld reads testdata/consultant.txt into a new database, as of start.
func loadWorld(t *testing.T, start time.Time) *App {
	t.Helper()
	a := newApp(t, start)
	ctx := context.Background()
	f, err := os.Open("testdata/consultant.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		head, rest, _ := strings.Cut(line, ": ")
		fields := strings.Split(rest, " | ")
		switch head {
		case "offer":
			must[*Me](t)(a.EditMe(ctx, []string{rest}, nil))
		case "goal":
			must[*rapport.Goal](t)(a.AddGoal(ctx, fields[0], fields[1:], nil))
		case "person":
			e := PersonEdit{}
			var history []string
			for _, fld := range fields[1:] {
				k, v, _ := strings.Cut(fld, ": ")
				switch k {
				case "tags":
					e.AddTags = strings.Split(v, ", ")
				case "wants":
					e.AddWants = strings.Split(v, ", ")
				case "history":
					history = strings.Split(v, ", ")
				}
			}
			must[*PersonDetail](t)(a.AddPerson(ctx, fields[0], e))
			for _, h := range history {
				p := strings.Split(h, "/")
				every, _ := strconv.Atoi(p[2])
				from, _ := strconv.Atoi(p[3])
				until, _ := strconv.Atoi(p[4])
				for d := from; d >= until; d -= max(every, 1) {
					in := LogInput{Ref: fields[0], Kind: p[0], By: rapport.By(p[1]), At: at(a, start.AddDate(0, 0, -d).Format(time.RFC3339)), Favour: len(p) > 5}
					if _, err := a.Log(ctx, in); err != nil {
						t.Fatalf("consultant.txt:%d: %v", n, err)
					}
				}
			}
		default:
			t.Fatalf("consultant.txt:%d: unknown line %q", n, head)
		}
	}
	return a
}

// TestAMonthAsAConsultant lives the month of issue 18 day by day: an
// independent consultant with two goals and about sixty people does what
// `today` proposes for 23 weekdays. Its assertions are the findings that
// made the method "for real": no favour from a plain touch, no give that
// ignores a want one of your offers meets, the inner circle before weak
// ties, a deep give within the first week, a blast of asks stopped, one-way
// ties kept low, and a report that names the referral and the intro.
func TestAMonthAsAConsultant(t *testing.T) {
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) // a Monday
	world := loadWorld(t, start)
	ctx := context.Background()
	offers := must[*Me](t)(world.EditMe(ctx, nil, nil)).Offers
	var offerStems [][]string
	for _, o := range offers {
		offerStems = append(offerStems, model.Stems(o))
	}
	plainTouches, givesDone, checked := 0, map[string]int{}, map[string]bool{}
	blockDay := -1
	var ivanAsk string
	day := 0
	for d := start; day < 23; d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		a := New(world.DB, func() time.Time { return d })
		plan := must[*PlanView](t)(a.Plan(ctx, false, 0))
		for i, it := range plan.Items {
			// The inner friend silent for 65 days is served on the first day.
			if day == 0 && it.Person.Name == "Ina Inner" && i > 3 {
				t.Errorf("day 1: the inner friend is item %d", i+1)
			}
			if it.Block && blockDay < 0 {
				blockDay = day
			}
			// Follow-through happens once: a check done is not proposed again.
			if it.Kind == model.ReasonCheck {
				if checked[it.Person.ID] {
					t.Errorf("day %d: a second gentle check on %s", day+1, it.Person.Name)
				}
				checked[it.Person.ID] = true
			}
			// A give to someone whose want one of your offers meets is that offer.
			person := must[*PersonDetail](t)(a.Show(ctx, it.Person.ID))
			for _, w := range openItems(person.Wants, d) {
				for j, os := range offerStems {
					if len(model.Shared(model.Stems(w.Text), os)) > 0 && it.Give && !strings.Contains(it.Action, offers[j]) && it.Kind != model.ReasonAssignment {
						t.Errorf("day %d: %s wants %q and you offer %q, but the plan says %q", day+1, person.Name, w.Text, offers[j], it.Action)
					}
				}
			}
			// Do it, as the Done button does.
			done, _, err := a.DonePlanItem(ctx, PlanDone{Ref: it.Person.ID, Kind: it.LogKind, Action: it.Action, Followup: it.Followup,
				Give: it.Give, Minutes: it.Minutes})
			if err != nil {
				t.Fatalf("day %d: done %+v: %v", day+1, it, err)
			}
			if done.Favour {
				givesDone[it.Person.Name]++
			} else {
				plainTouches++
			}
			// Finding out what someone works on ends with a want recorded.
			if strings.Contains(it.Action, "what they are working on") {
				must[*PersonDetail](t)(a.EditPerson(ctx, it.Person.ID, PersonEdit{AddWants: []string{"grow the newsletter"}}))
			}
		}
		switch day {
		case 2: // Rita refers a second client.
			must[*rapport.Interaction](t)(a.Log(ctx, LogInput{Ref: "rita", Kind: "refer", By: "them", Favour: true, Note: "the Acme account"}))
		case 4: // An intro asked of Ivan...
			res := must[*AskResult](t)(a.Ask(ctx, AskInput{Ref: "ivan", Action: "introduce", Note: "to a design lead", Force: true}))
			ivanAsk = *res.ID
		case 6: // ...and he says yes.
			must[*rapport.Ask](t)(a.Answer(ctx, ivanAsk, "yes", nil))
		case 9: // The blast: "please like my new page", to nine people at once.
			went := 0
			for _, p := range must[[]PersonSummary](t)(a.People(ctx, PeopleFilter{Sort: "strength", Limit: 9})) {
				if res := must[*AskResult](t)(a.Ask(ctx, AskInput{Ref: p.ID, Action: "like"})); res.Recorded {
					went++
				}
			}
			if went > 3 {
				t.Errorf("the blast: %d of nine asks in one day went through", went)
			}
		}
		// One-way ties stay low, however much goes out.
		for i := 1; i <= 8; i++ {
			if s := must[*PersonDetail](t)(a.Show(ctx, fmt.Sprintf("Stranger %d", i))); s.Strength > 4 {
				t.Errorf("day %d: a stranger who never answered has strength %.1f", day+1, s.Strength)
			}
		}
		day++
	}
	end := start.AddDate(0, 0, 31)
	a := New(world.DB, func() time.Time { return end })
	if blockDay < 0 || blockDay > 4 {
		t.Errorf("no deep give had a day in the first week (first block on day %d)", blockDay+1)
	}
	// No favour from a plain touch: Mia's ledger holds her two favours and
	// exactly the gives the plan made for her.
	l := must[*Ledger](t)(a.Ledger(ctx, "mia"))
	if l.Gots != 2 || l.Gives != givesDone["Mia Mentor"] {
		t.Errorf("Mia's ledger: %d favours received (want 2), %d gives (the plan did %d)", l.Gots, l.Gives, givesDone["Mia Mentor"])
	}
	if plainTouches == 0 {
		t.Error("the month held no plain touch")
	}
	r := must[*Report](t)(a.Report(ctx, at(a, start.Format("2006-01-02")), nil))
	var named []string
	for _, o := range r.Outcomes.All {
		if o.Person != nil {
			named = append(named, o.Person.Name+" "+o.Type+" "+o.Action)
		}
	}
	got := strings.Join(named, "; ")
	if !strings.Contains(got, "Rita Referrer favour refer") || !strings.Contains(got, "Ivan Intro yes introduce") {
		t.Errorf("the month's outcomes do not name the referral and the intro: %s", got)
	}
}
