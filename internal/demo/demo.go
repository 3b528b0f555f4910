// Package demo generates a realistic synthetic network from a seed: a few
// close ties, a long tail of acquaintances, interactions of every kind spread
// over years, reciprocity that varies from person to person. It is pure: the
// same options and clock give the same network. It also feeds the benchmarks.
package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
)

// Options size the network.
type Options struct {
	People int
	Years  int
	Seed   uint64
	// Interactions, when set, is the total to aim for: the long tail's light
	// touches (likes, views, comments) are scaled to reach it.
	Interactions int
}

// class is a band of closeness with its yearly rhythm of contact.
type class struct {
	name      string
	share     float64 // share of people, when not fixed
	fixed     int     // or a fixed number (Dunbar's inner circles do not grow with the network)
	deep      float64 // deep interactions a year
	light     float64 // light touches a year
	kinds     []string
	lapse     float64 // chance the tie went cold some time ago
	startBias float64 // how far back they tend to go (1 = anywhere in the span)
}

var classes = []class{
	{name: "inner", fixed: 5, deep: 55, light: 20, kinds: []string{"meal", "call", "message", "video", "help-hour", "meeting", "answer", "introduce"}, startBias: 1},
	{name: "close", fixed: 12, deep: 14, light: 12, kinds: []string{"call", "meal", "message", "email", "meeting", "answer", "review", "recommend"}, startBias: 0.9},
	{name: "active", fixed: 35, deep: 4, light: 8, kinds: []string{"email", "message", "call", "meeting", "comment", "answer", "event"}, lapse: 0.1, startBias: 0.8},
	{name: "network", fixed: 110, deep: 1.3, light: 5, kinds: []string{"email", "message", "comment", "event", "reply", "call"}, lapse: 0.2, startBias: 0.7},
	{name: "acquaintance", share: 0.2, deep: 0.35, light: 3, kinds: []string{"message", "comment", "reply", "email", "event"}, lapse: 0.3, startBias: 0.6},
	{name: "tail", share: 1, deep: 0.05, light: 2, kinds: []string{"message", "comment", "reply"}, lapse: 0.4, startBias: 0.5},
}

// favourKinds are the kinds the demo logs as favours (gives and gots) when
// one side did them for the other.
var favourKinds = map[string]bool{"help-hour": true, "introduce": true, "review": true, "recommend": true, "answer": true}

var lightKinds = []string{"like", "like", "like", "view", "view", "share", "follow"}

// Network is a generated network: its people, and a function that streams
// its interactions oldest-first per person through emit.
type Network struct {
	People []rapport.Person
	opts   Options
	now    time.Time
	plan   []personPlan
}

type personPlan struct {
	class     *class
	start     time.Time
	end       time.Time
	initiates float64 // chance they initiate or give
	lightRate float64
}

var (
	firstNames = strings.Fields(`Ada Grace Alan Barbara Edsger Margaret Linus Ken Dennis Frances Katherine Radia Tim Vint Sophie Hedy Annie Donald Niklaus Leslie Shafi Jean Mary Carol Lynn Anita Joan Robin Jamal Priya Wei Yuki Omar Fatima Lars Ingrid Mateo Lucia Kwame Amara Noor Diego Elena Tomasz Aiko Chen Zara Felix Nadia Ravi Sofia Hugo Mei Ibrahim Olga Pablo Hana Kofi Leila Arjun Chiara Emeka Astrid Youssef Marta Kenji Ayesha Rosa Tariq Ines Bjorn Camille Dmitri`)
	lastNames  = strings.Fields(`Lovelace Hopper Turing Liskov Dijkstra Hamilton Torvalds Thompson Ritchie Allen Johnson Perlman Berners-Lee Cerf Wilson Lamarr Easley Knuth Wirth Lamport Goldwasser Sammet Shaw Kernighan Okafor Nakamura Haddad Lindqvist Rossi Mensah Kowalski Fernandez Tanaka Ivanova Osei Moreau Chatterjee Ali Schmidt Novak Garcia Kim Nguyen Silva Müller Dubois Costa Yilmaz Andersen Park Mwangi Santos Rahman Larsen Bianchi Sato Weber Jansen Romero Kaur`)
	orgs       = strings.Fields(`Acme Globex Initech Umbrella Hooli Stark Wayne Tyrell Cyberdyne Soylent Vandelay Wonka Aperture Monarch Oscorp Pied-Piper Dunder-Mifflin Gringotts Blue-Sun Weyland`)
	titles     = []string{"founder", "CTO", "consultant", "designer", "engineer", "product manager", "recruiter", "sales lead", "investor", "editor", "coach", "marketing lead"}
	tags       = []string{"client", "investor", "mentor", "friend", "go", "design", "marketing", "sales", "press", "hiring", "community", "family", "former-colleague", "speaker"}
	wants      = []string{"find a first hire", "raise a seed round", "speak at a conference", "learn Go", "get press coverage", "find a co-founder", "move to Berlin", "write a book", "grow a newsletter", "land a design job", "hire a good accountant", "sell to enterprises"}
	offers     = []string{"code review", "intros to investors", "design feedback", "podcast guest slots", "legal advice", "hiring network", "sales coaching", "editing", "cloud credits", "mentoring founders", "Go training", "conference contacts"}
)

// Generate plans a network of opts.People people as of now.
func Generate(opts Options, now time.Time) (*Network, error) {
	if opts.People < 1 || opts.People > 10_000_000 {
		return nil, rapport.Errorf(rapport.EINVALID, "--people %d: expected 1 to 10,000,000", opts.People)
	}
	if opts.Years < 1 || opts.Years > 60 {
		return nil, rapport.Errorf(rapport.EINVALID, "--years %d: expected 1 to 60", opts.Years)
	}
	if opts.Interactions < 0 {
		return nil, rapport.Errorf(rapport.EINVALID, "--interactions %d: must not be negative", opts.Interactions)
	}
	r := rand.New(rand.NewPCG(opts.Seed, 0x5eed))
	n := &Network{opts: opts, now: now.UTC()}
	span := time.Duration(opts.Years) * 365 * 24 * time.Hour
	counts := classCounts(opts.People)
	ci := 0
	for i := range opts.People {
		for counts[ci] == 0 {
			ci++
		}
		counts[ci]--
		c := &classes[ci]
		start := n.now.Add(-time.Duration(r.Float64() * c.startBias * float64(span)))
		end := n.now
		if r.Float64() < c.lapse {
			end = start.Add(time.Duration(r.Float64() * float64(n.now.Sub(start))))
		}
		n.plan = append(n.plan, personPlan{class: c, start: start, end: end,
			initiates: betaish(r), lightRate: c.light * (0.2 + 1.6*r.Float64())})
		n.People = append(n.People, person(r, i, c, start))
	}
	if opts.Interactions > 0 {
		n.scaleLight()
	}
	// Shuffle so closeness does not follow creation order.
	perm := r.Perm(len(n.People))
	people, plan := make([]rapport.Person, len(perm)), make([]personPlan, len(perm))
	for i, j := range perm {
		people[i], plan[i] = n.People[j], n.plan[j]
	}
	n.People, n.plan = people, plan
	return n, nil
}

// classCounts splits people between the classes: the inner circles are fixed
// in size, the rest share what is left.
func classCounts(total int) []int {
	counts := make([]int, len(classes))
	left := total
	for i, c := range classes {
		if c.fixed > 0 {
			counts[i] = min(c.fixed, left)
		} else {
			counts[i] = min(left, int(math.Ceil(c.share*float64(left))))
		}
		left -= counts[i]
	}
	return counts
}

// betaish draws how often a person initiates or gives, from 0 to 1: most lean
// on you to reach out, a few are as forthcoming as you are.
func betaish(r *rand.Rand) float64 {
	return math.Pow(r.Float64(), 1.5)
}

func (n *Network) expected() (deep, light float64) {
	for _, p := range n.plan {
		years := p.end.Sub(p.start).Hours() / 24 / 365
		deep += years * p.class.deep
		light += years * p.lightRate
	}
	return deep, light
}

func (n *Network) scaleLight() {
	deep, light := n.expected()
	want := float64(n.opts.Interactions) - deep
	if want <= 0 || light == 0 {
		return
	}
	f := want / light
	for i := range n.plan {
		n.plan[i].lightRate *= f
	}
}

func person(r *rand.Rand, i int, c *class, met time.Time) rapport.Person {
	first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
	org := orgs[r.IntN(len(orgs))]
	p := rapport.Person{
		Name:   first + " " + last,
		Org:    strings.ReplaceAll(org, "-", " "),
		Title:  titles[r.IntN(len(titles))],
		Emails: []string{fmt.Sprintf("%s.%s.%d@%s.example", strings.ToLower(first), strings.ToLower(last), i, strings.ToLower(org))},
		Phones: []string{}, URLs: []string{},
		Met:       "met " + met.Format("January 2006"),
		CreatedAt: met,
		UpdatedAt: met,
	}
	if r.IntN(3) == 0 {
		p.URLs = append(p.URLs, fmt.Sprintf("https://www.linkedin.com/in/%s-%s-%d", strings.ToLower(first), strings.ToLower(last), i))
	}
	if c.name != "tail" || r.IntN(4) == 0 {
		p.Phones = append(p.Phones, fmt.Sprintf("+1 555 %03d %04d", i/10000%1000, i%10000))
	}
	seen := map[string]bool{}
	for range 1 + r.IntN(3) {
		t := tags[r.IntN(len(tags))]
		if !seen[t] {
			seen[t] = true
			p.Tags = append(p.Tags, t)
		}
	}
	sort.Strings(p.Tags)
	if r.IntN(2) == 0 {
		p.Wants = append(p.Wants, rapport.Item{Text: wants[r.IntN(len(wants))], At: met})
	}
	if r.IntN(2) == 0 {
		p.Offers = append(p.Offers, rapport.Item{Text: offers[r.IntN(len(offers))], At: met})
	}
	return p
}

// Interactions streams the network's interactions, person by person, to emit,
// with the indexes in Network.People of those who took part.
func (n *Network) Interactions(emit func(in rapport.Interaction, people []int) error) error {
	r := rand.New(rand.NewPCG(n.opts.Seed, 0x1a7e))
	for i, p := range n.plan {
		years := p.end.Sub(p.start).Hours() / 24 / 365
		var mine []rapport.Interaction
		for _, stream := range []struct {
			rate  float64
			kinds []string
		}{{p.class.deep, p.class.kinds}, {p.lightRate, lightKinds}} {
			count := poisson(r, stream.rate*years)
			for range count {
				at := p.start.Add(time.Duration(r.Float64() * float64(p.end.Sub(p.start))))
				kind := stream.kinds[r.IntN(len(stream.kinds))]
				by := rapport.ByMe
				switch x := r.Float64(); {
				case x < p.initiates*0.8:
					by = rapport.ByThem
				case x > 0.9:
					by = rapport.ByBoth
				}
				// Help given or received is a favour; a call or a meal is a touch.
				mine = append(mine, rapport.Interaction{At: at.Truncate(time.Minute), Kind: kind, By: by, Favour: favourKinds[kind] && by != rapport.ByBoth})
			}
		}
		// Each person's history in the order it happened.
		sort.SliceStable(mine, func(a, b int) bool { return mine[a].At.Before(mine[b].At) })
		for _, in := range mine {
			if err := emit(in, []int{i}); err != nil {
				return err
			}
		}
	}
	// Group events and meetings among the people you actually see.
	var pool []int
	for i, p := range n.plan {
		if p.class.name != "tail" && p.class.name != "acquaintance" {
			pool = append(pool, i)
		}
	}
	if len(pool) >= 3 {
		span := time.Duration(n.opts.Years) * 365 * 24 * time.Hour
		for range n.opts.Years * 12 {
			size := 3 + r.IntN(6)
			group := map[int]bool{}
			for len(group) < min(size, len(pool)) {
				group[pool[r.IntN(len(pool))]] = true
			}
			var ids []int
			for id := range group {
				ids = append(ids, id)
			}
			sort.Ints(ids)
			kind := []string{"event", "meeting", "meal"}[r.IntN(3)]
			at := n.now.Add(-time.Duration(r.Float64() * float64(span))).Truncate(time.Minute)
			if err := emit(rapport.Interaction{At: at, Kind: kind, By: rapport.ByBoth, Note: "group " + kind}, ids); err != nil {
				return err
			}
		}
	}
	return nil
}

// poisson draws a count with mean m (normal approximation for large means).
func poisson(r *rand.Rand, m float64) int {
	if m <= 0 {
		return 0
	}
	if m > 50 {
		return max(0, int(math.Round(m+math.Sqrt(m)*r.NormFloat64())))
	}
	l, k, p := math.Exp(-m), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
