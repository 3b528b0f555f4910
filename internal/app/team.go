package app

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"net/mail"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/model"
	"github.com/rapport-app/rapport/internal/store"
)

// The team server: workspaces on a PostgreSQL database, their members and
// roles, personal API tokens and one-time sign-in links (kept as hashes of
// random secrets) in the directory, the database's main schema; each
// workspace's people and history in a schema of its own (store.OpenSchema),
// reached through the workspace's App (Workspace).

// Member is someone of a workspace (see store.Member).
type Member = store.Member

type memberKey struct{}

// WithMember is ctx acting as a member of a team: the front ends put the
// member signed in there, and the operations that are a member's (an ask)
// record and weigh it.
func WithMember(ctx context.Context, m *Member) context.Context {
	return context.WithValue(ctx, memberKey{}, m)
}

// actor is the member ctx acts as, else the one the App acts as (ActAs),
// nil for one person.
func (a *App) actor(ctx context.Context) *Member {
	if m := MemberFrom(ctx); m != nil {
		return m
	}
	return a.as
}

// memberID is the id of the member ctx acts as, "" for one person.
func (a *App) memberID(ctx context.Context) string {
	if m := a.actor(ctx); m != nil {
		return m.ID
	}
	return ""
}

// ActAs makes m the member every operation of a acts as (the CLI given a
// member's token).
func (a *App) ActAs(m *Member) { a.as = m }

// directory is the database of workspaces and members: a's own, or, for a
// workspace's App, the server's.
func (a *App) directory() *store.DB {
	if a.dir != nil {
		return a.dir.DB
	}
	return a.DB
}

// Space is the workspace this App's data is, nil for one person's (or the
// server's directory).
func (a *App) Space() *Workspace { return a.space }

// Workspace opens the data of a workspace (by id) on the server's App: an
// App of its own over the workspace's schema, on the same clock, that
// reaches the directory through a. Close it when done.
func (a *App) Workspace(ctx context.Context, id string) (*App, error) {
	ws, err := a.view(ctx).Workspaces(ctx)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(ws, func(w Workspace) bool { return w.ID == id })
	if i < 0 {
		return nil, rapport.Errorf(rapport.ENOTFOUND, "no workspace %s", id)
	}
	w := ws[i]
	_, role := store.SchemaNames(w.ID)
	db, err := a.DB.OpenSchema(ctx, w.Schema, role)
	if err != nil {
		return nil, err
	}
	wa := &App{DB: db, Now: a.Now, Warn: a.Warn, dir: a, space: &w}
	if a.replica != nil {
		// A replica that has not caught up with the workspace yet (made,
		// or migrated, moments ago) serves none of its reads.
		if rdb, err := a.replica.DB.OpenSchema(ctx, w.Schema, role); err == nil {
			wa.replica, wa.fresh = &App{DB: rdb, Now: a.Now, space: &w}, a.fresh
		} else if a.Warn != nil {
			a.Warn(fmt.Sprintf("the read replica does not serve %q yet: %v", w.Name, err))
		}
	}
	if err := wa.LoadZone(ctx, a.envZone.Load()); err != nil {
		db.Close()
		return nil, err
	}
	if err := wa.EnsureModel(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := wa.ensureMemberTies(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return wa, nil
}

// ensureMemberTies makes the members' ties from their histories when none
// are stored (a workspace whose history was written before they were).
func (a *App) ensureMemberTies(ctx context.Context) error {
	if has, err := a.view(ctx).HasMemberTies(ctx); err != nil || has {
		return err
	}
	return a.update(ctx, func(tx *store.Tx) error {
		p, kinds, err := a.modelOf(ctx, tx)
		if err != nil {
			return err
		}
		return rebuildMemberTies(ctx, tx, kinds, p)
	})
}

// roster is the workspace's members by id (from the directory).
func (a *App) roster(ctx context.Context) (map[string]Member, []Member, error) {
	if a.space == nil {
		return map[string]Member{}, nil, nil
	}
	ms, err := a.directory().View().Members(ctx, a.space.ID)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[string]Member, len(ms))
	for _, m := range ms {
		byID[m.ID] = m
	}
	return byID, ms, nil
}

// inTeam refuses a team view outside a workspace.
func (a *App) inTeam(what, yours string) error {
	if a.space != nil {
		return nil
	}
	return rapport.Errorf(rapport.EINVALID, "%s is a workspace's: act as a member (RAPPORT_MEMBER_TOKEN=… from rapport team token EMAIL --workspace NAME, or sign in to the team server); %s is yours", what, yours)
}

// MemberFrom is the member ctx acts as, nil for one person's Rapport.
func MemberFrom(ctx context.Context) *Member {
	m, _ := ctx.Value(memberKey{}).(*Member)
	return m
}

// Workspace is a team's place (see store.Workspace).
type Workspace = store.Workspace

// Roles of a workspace's members.
const (
	RoleOwner  = "owner"
	RoleAdmin  = "admin"
	RoleMember = "member"
)

// signInFor is how long a sign-in link lasts.
const signInFor = 7 * 24 * time.Hour

// Invitation is a new member and the one-time sign-in link that lets them
// in (a path on the server: /signin/SECRET), shown once.
type Invitation struct {
	Member Member `json:"member"`
	Link   string `json:"link"`
}

// checkEmail reads a member's email ("pat@acme.example", or "Pat
// <pat@acme.example>"), and the name it gives, else the email's local part.
func checkEmail(email string) (string, string, error) {
	a, err := mail.ParseAddress(strings.TrimSpace(email))
	if err != nil {
		return "", "", rapport.FieldErrorf(rapport.EINVALID, "email", "%q: expected an email address", email)
	}
	addr := strings.ToLower(a.Address)
	name := strings.TrimSpace(a.Name)
	if name == "" {
		name, _, _ = strings.Cut(addr, "@")
	}
	return addr, name, nil
}

// TeamInit makes a workspace, its schema and role, and its owner, and
// returns the owner's sign-in link. The team server runs on PostgreSQL.
func (a *App) TeamInit(ctx context.Context, name, owner string) (*Invitation, error) {
	if !a.DB.Postgres() {
		return nil, rapport.Errorf(rapport.EINVALID, "the team server runs on PostgreSQL: give --db postgres://… (see the README)")
	}
	if err := a.text("name", &name); err != nil {
		return nil, err
	}
	if name = strings.TrimSpace(name); name == "" {
		return nil, rapport.FieldErrorf(rapport.EINVALID, "name", "is required: name the workspace")
	}
	email, who, err := checkEmail(owner)
	if err != nil {
		return nil, rapport.InField("owner", err)
	}
	if a.dir != nil {
		return nil, rapport.Errorf(rapport.EINVALID, "a workspace is made on the server's database, not from inside another")
	}
	now := a.now()
	w := Workspace{ID: newID(), Name: name, Created: now}
	schema, role := store.SchemaNames(w.ID)
	w.Schema = schema
	var inv *Invitation
	err = a.update(ctx, func(tx *store.Tx) error {
		if err := tx.InsertWorkspace(ctx, w); err != nil {
			return err
		}
		if err := tx.MakeSchema(ctx, schema, role); err != nil {
			return err
		}
		inv, err = a.addMember(ctx, tx, w, email, who, RoleOwner, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	// Its tables are made now, not by the first member to arrive.
	wa, err := a.Workspace(ctx, w.ID)
	if err != nil {
		return nil, err
	}
	return inv, wa.Close()
}

// addMember adds a member and makes their sign-in link.
func (a *App) addMember(ctx context.Context, tx *store.Tx, w Workspace, email, name, role string, now time.Time) (*Invitation, error) {
	m := Member{ID: newID(), Workspace: w, Email: email, Name: name, Role: role, Created: now}
	if err := tx.InsertMember(ctx, m); err != nil {
		return nil, err
	}
	secret, err := NewSecret()
	if err != nil {
		return nil, err
	}
	exp := now.Add(signInFor)
	if err := tx.InsertMemberToken(ctx, secretHash(secret), m.ID, store.TokenSignIn, now, &exp); err != nil {
		return nil, err
	}
	return &Invitation{Member: m, Link: "/signin/" + secret}, nil
}

// TeamInvite adds a member to a workspace with a role (admin or member).
func (a *App) TeamInvite(ctx context.Context, workspace, email, role string) (*Invitation, error) {
	if role != RoleAdmin && role != RoleMember {
		return nil, rapport.FieldErrorf(rapport.EINVALID, "role", "%q: expected admin or member", role)
	}
	email, name, err := checkEmail(email)
	if err != nil {
		return nil, err
	}
	var inv *Invitation
	err = a.directory().Update(ctx, func(tx *store.Tx) error {
		w, err := a.workspace(ctx, tx, workspace)
		if err != nil {
			return err
		}
		inv, err = a.addMember(ctx, tx, w, email, name, role, a.now())
		return err
	})
	return inv, err
}

// workspace finds a workspace by name.
func (a *App) workspace(ctx context.Context, tx *store.Tx, name string) (Workspace, error) {
	ws, err := tx.Workspaces(ctx)
	if err != nil {
		return Workspace{}, err
	}
	for _, w := range ws {
		if w.Name == strings.TrimSpace(name) {
			return w, nil
		}
	}
	return Workspace{}, rapport.FieldErrorf(rapport.ENOTFOUND, "workspace", "%q: no workspace of that name (rapport team init)", name)
}

// TeamToken makes a personal API token for a member, shown once.
func (a *App) TeamToken(ctx context.Context, workspace, email string) (string, error) {
	email, _, err := checkEmail(email)
	if err != nil {
		return "", err
	}
	secret, err := NewSecret()
	if err != nil {
		return "", err
	}
	err = a.directory().Update(ctx, func(tx *store.Tx) error {
		if _, err := a.workspace(ctx, tx, workspace); err != nil {
			return err
		}
		m, err := tx.MemberByEmail(ctx, workspace, email)
		if err != nil {
			return err
		}
		return tx.InsertMemberToken(ctx, secretHash(secret), m.ID, store.TokenAPI, a.now(), nil)
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// TeamMode reports whether the database holds a workspace: the server then
// signs in members.
func (a *App) TeamMode(ctx context.Context) (bool, error) {
	if a.space != nil {
		return true, nil
	}
	if !a.DB.Postgres() {
		return false, nil
	}
	ws, err := a.view(ctx).Workspaces(ctx)
	return len(ws) > 0, err
}

// MemberForToken returns the member whose personal API token this is.
func (a *App) MemberForToken(ctx context.Context, secret string) (*Member, bool, error) {
	return a.memberFor(ctx, secret, store.TokenAPI)
}

// MemberForDevice returns the member whose device app password (or personal
// token) this is: what opens their address book.
func (a *App) MemberForDevice(ctx context.Context, secret string) (*Member, bool, error) {
	m, ok, err := a.memberFor(ctx, secret, store.TokenDevice)
	if err != nil || ok {
		return m, ok, err
	}
	return a.memberFor(ctx, secret, store.TokenAPI)
}

func (a *App) memberFor(ctx context.Context, secret, kind string) (*Member, bool, error) {
	if strings.TrimSpace(secret) == "" {
		return nil, false, nil
	}
	hash := secretHash(secret)
	t, ok, err := a.directory().View().MemberByToken(ctx, hash, kind)
	if err != nil || !ok {
		return nil, false, err
	}
	now := a.now()
	if t.Used == nil || now.Sub(*t.Used) >= time.Minute {
		if err := a.directory().Update(ctx, func(tx *store.Tx) error { return tx.UseMemberToken(ctx, hash, now) }); err != nil {
			return nil, false, err
		}
	}
	return &t.Member, true, nil
}

// SignIn trades a sign-in link's secret for its member: once, before it
// expires.
func (a *App) SignIn(ctx context.Context, secret string) (*Member, error) {
	hash := secretHash(secret)
	var m Member
	err := a.directory().Update(ctx, func(tx *store.Tx) error {
		t, ok, err := tx.MemberByToken(ctx, hash, store.TokenSignIn)
		if err != nil {
			return err
		}
		now := a.now()
		if !ok || t.Used != nil || t.Expires != nil && !now.Before(*t.Expires) {
			return rapport.Errorf(rapport.EINVALID, "this sign-in link is not valid (used, expired or mistyped): ask an admin for a new one")
		}
		m = t.Member
		return tx.UseMemberToken(ctx, hash, now)
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// sessionKeySetting keeps the key that signs members' browser sessions.
const sessionKeySetting = "team.session_key"

// SessionKey returns the key that signs members' sessions, made on first
// use: a new one (deleting the setting) ends every session.
func (a *App) SessionKey(ctx context.Context) (string, error) {
	var key string
	err := a.directory().Update(ctx, func(tx *store.Tx) error {
		s, err := tx.Settings(ctx)
		if err != nil {
			return err
		}
		if key = s[sessionKeySetting]; key != "" {
			return nil
		}
		if key, err = NewSecret(); err != nil {
			return err
		}
		return tx.SetSetting(ctx, sessionKeySetting, key)
	})
	return key, err
}

// MemberByID returns a member by id.
func (a *App) MemberByID(ctx context.Context, id string) (*Member, error) {
	m, err := a.directory().View().MemberByID(ctx, id)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// Members lists a workspace's members.
func (a *App) Members(ctx context.Context, workspaceID string) ([]Member, error) {
	return a.directory().View().Members(ctx, workspaceID)
}

// InviteAs is TeamInvite by a member from the web: only an owner or an
// admin invites, into their own workspace.
func (a *App) InviteAs(ctx context.Context, by *Member, email, role string) (*Invitation, error) {
	if by == nil || by.Role != RoleOwner && by.Role != RoleAdmin {
		return nil, rapport.Errorf(rapport.EINVALID, "only the workspace's owner or an admin invites")
	}
	return a.TeamInvite(ctx, by.Workspace.Name, email, role)
}

// TeamRevoke revokes a member's personal tokens and unused sign-in links
// (their browser sessions go on until they sign out or are removed).
func (a *App) TeamRevoke(ctx context.Context, workspace, email string) (int, error) {
	email, _, err := checkEmail(email)
	if err != nil {
		return 0, err
	}
	var n int
	err = a.directory().Update(ctx, func(tx *store.Tx) error {
		m, err := tx.MemberByEmail(ctx, workspace, email)
		if err != nil {
			return err
		}
		n, err = tx.DeleteMemberTokens(ctx, m.ID)
		return err
	})
	return n, err
}

// TeamRemove removes a member from a workspace: their tokens, links and
// sessions stop at once. The owner stays.
func (a *App) TeamRemove(ctx context.Context, workspace, email string) error {
	email, _, err := checkEmail(email)
	if err != nil {
		return err
	}
	return a.directory().Update(ctx, func(tx *store.Tx) error {
		m, err := tx.MemberByEmail(ctx, workspace, email)
		if err != nil {
			return err
		}
		if m.Role == RoleOwner {
			return rapport.Errorf(rapport.ECONFLICT, "%s owns %s: a workspace keeps its owner", m.Email, m.Workspace.Name)
		}
		return tx.DeleteMember(ctx, m.ID)
	})
}

// TeamTie is how well a member knows a person: their tie, from their own
// interactions only, and when they last met (no content).
type TeamTie struct {
	Member      TeamMemberRef `json:"member"`
	Strength    float64       `json:"strength"`
	LastContact *time.Time    `json:"last_contact"`
}

// TeamMemberRef names a member in a team view.
type TeamMemberRef struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// teamTies ranks the members who know a person by their own tie with them,
// strongest first, from the person's history (h, oldest first); the member
// who keeps them private (keeper) shows only to themselves.
func (a *App) teamTies(ctx context.Context, tx *store.Tx, hist []store.HistoryItem, keeper string) ([]TeamTie, error) {
	if !slices.ContainsFunc(hist, func(h store.HistoryItem) bool { return h.MemberID != "" }) {
		return nil, nil // one person's Rapport, or no teammate has met them
	}
	p, kinds, err := a.modelOf(ctx, tx)
	if err != nil {
		return nil, err
	}
	now := a.now()
	touches := map[string][]model.Touch{}
	for _, h := range hist {
		if h.MemberID != "" && !h.At.After(now) {
			touches[h.MemberID] = append(touches[h.MemberID], model.TouchOf(kinds[h.Kind], h.At, h.By, h.Minutes, h.Participants))
		}
	}
	team, _, err := a.roster(ctx)
	if err != nil {
		return nil, err
	}
	var out []TeamTie
	for id, ts := range touches {
		m, ok := team[id]
		if !ok {
			continue // a member removed since
		}
		if id == keeper && id != a.memberID(ctx) {
			continue // they keep this person to themselves
		}
		tie := model.TieOf(ts, now, p)
		out = append(out, TeamTie{Member: TeamMemberRef{Name: m.Name, Email: m.Email}, Strength: round1(tie.Strength(now, p)), LastContact: lastContact(tie)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Strength != out[j].Strength {
			return out[i].Strength > out[j].Strength
		}
		return out[i].Member.Email < out[j].Member.Email
	})
	return out, nil
}

// TeamLadder is the team's actionable network: for each rung, how many
// people stand above it for at least one member, beside the workspace's
// contact count, and each member's own count.
type TeamLadder struct {
	Contacts int             `json:"contacts"`
	Rungs    []TeamRung      `json:"rungs"`
	Members  []TeamMemberRef `json:"members"`
}

// TeamRung is one rung of the team ladder; Members follows TeamLadder's
// Members.
type TeamRung struct {
	Action    string  `json:"action"`
	Threshold float64 `json:"threshold"`
	Team      int     `json:"team"`
	Members   []int   `json:"members"`
}

// TeamLadder computes the team ladder from each member's own ties.
func (a *App) TeamLadder(ctx context.Context) (*TeamLadder, error) {
	if err := a.inTeam("the team ladder", "`rapport ladder`"); err != nil {
		return nil, err
	}
	tx := a.readView(ctx)
	p, kinds, err := a.modelOf(ctx, tx)
	if err != nil {
		return nil, err
	}
	now := a.now()
	// Each member's stored ties; one that has seen a touch after now (a
	// --now in the past) is made again from that member's history up to now.
	ties := map[[2]string]*model.Tie{}
	var later []store.MemberTie
	err = tx.EachMemberTie(ctx, "", func(t store.MemberTie) error {
		tie, err := decodeTie(t.State)
		if err != nil {
			return err
		}
		if tie.Seen.After(now) {
			later = append(later, store.MemberTie{MemberID: t.MemberID, PersonID: t.PersonID})
			return nil
		}
		ties[[2]string{t.MemberID, t.PersonID}] = &tie
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, t := range later {
		tie, err := a.tieAt(WithMember(ctx, &Member{ID: t.MemberID}), tx, t.PersonID, kinds, p)
		if err != nil {
			return nil, err
		}
		ties[[2]string{t.MemberID, t.PersonID}] = &tie
	}
	_, members, err := a.roster(ctx)
	if err != nil {
		return nil, err
	}
	index := map[string]int{}
	l := &TeamLadder{Members: make([]TeamMemberRef, len(members)), Rungs: []TeamRung{}}
	for i, m := range members {
		index[m.ID] = i
		l.Members[i] = TeamMemberRef{Name: m.Name, Email: m.Email}
	}
	if l.Contacts, err = tx.CountPeople(ctx); err != nil {
		return nil, err
	}
	best := map[string]float64{}                    // person → the strongest member's tie
	own := make([]map[string]float64, len(members)) // member → person → tie
	for i := range own {
		own[i] = map[string]float64{}
	}
	for k, tie := range ties {
		i, ok := index[k[0]]
		if !ok {
			continue // a member removed since
		}
		s := round1(tie.Strength(now, p))
		own[i][k[1]] = s
		best[k[1]] = max(best[k[1]], s)
	}
	all, err := tx.Kinds(ctx)
	if err != nil {
		return nil, err
	}
	for _, k := range all {
		if !k.OnLadder() {
			continue
		}
		r := TeamRung{Action: k.Name, Threshold: *k.Threshold, Members: make([]int, len(members))}
		for _, s := range best {
			if s >= r.Threshold {
				r.Team++
			}
		}
		for i := range own {
			for _, s := range own[i] {
				if s >= r.Threshold {
					r.Members[i]++
				}
			}
		}
		l.Rungs = append(l.Rungs, r)
	}
	return l, nil
}

// TeamReport is gives against asks, per member and for the team, in a
// period, and (when asked: it replays every member's history) how many of
// each member's ties grew and faded, with the most moved.
type TeamReport struct {
	Since   time.Time      `json:"since"`
	Until   time.Time      `json:"until"`
	Members []MemberReport `json:"members"`
	Team    MemberReport   `json:"team"`
}

// MemberReport is one member's (or the team's) period.
type MemberReport struct {
	Member  *TeamMemberRef `json:"member,omitempty"`
	Touches int            `json:"touches"`
	Gives   int            `json:"gives"`
	Asks    int            `json:"asks"`
	Yes     int            `json:"yes"`
	No      int            `json:"no"`
	None    int            `json:"none"`
	Pending int            `json:"pending"`
	// With moves: how many ties grew and faded over the period (each
	// member's own; the team's, a person's strongest member tie), and the
	// three that moved most each way.
	GrewCount  int    `json:"grew_count"`
	FadedCount int    `json:"faded_count"`
	Grew       []Move `json:"grew,omitempty"`
	Faded      []Move `json:"faded,omitempty"`
}

func (r *MemberReport) add(a *store.MemberActivity) {
	r.Touches += a.Touches
	r.Gives += a.Gives
	r.Asks += a.Asks
	r.Yes += a.Yes
	r.No += a.No
	r.None += a.None
	r.Pending += a.Pending
}

// TeamReport counts what each member did in [since, until) (the last 30
// days by default): touches, gives, and asks with their outcomes.
func (a *App) TeamReport(ctx context.Context, since, until *time.Time, moves bool) (*TeamReport, error) {
	if err := a.inTeam("the team report", "`rapport report`"); err != nil {
		return nil, err
	}
	var err error
	now := a.now()
	r := &TeamReport{Since: now.AddDate(0, 0, -30), Until: now, Members: []MemberReport{}}
	if until != nil {
		if r.Until, err = checkMoment("until", *until); err != nil {
			return nil, err
		}
	}
	if since != nil {
		if r.Since, err = checkMoment("since", *since); err != nil {
			return nil, err
		}
	}
	if !r.Since.Before(r.Until) {
		return nil, rapport.FieldErrorf(rapport.EINVALID, "since", "%s is not before the end of the period", r.Since.In(a.Zone()).Format("2006-01-02"))
	}
	tx := a.readView(ctx)
	_, members, err := a.roster(ctx)
	if err != nil {
		return nil, err
	}
	end := r.Until
	if until == nil {
		end = end.Add(time.Millisecond) // up to now, what was just done included
	}
	acts, err := tx.TeamActivity(ctx, r.Since, end)
	if err != nil {
		return nil, err
	}
	var from, to map[[2]string]float64
	if moves {
		if from, to, _, err = a.memberStrengths(ctx, tx, r.Since, r.Until, ""); err != nil {
			return nil, err
		}
	}
	for _, m := range members {
		mr := MemberReport{Member: &TeamMemberRef{Name: m.Name, Email: m.Email}}
		if act := acts[m.ID]; act != nil {
			mr.add(act)
			r.Team.add(act)
		}
		if moves {
			mr.moved(from, to, func(k [2]string) (string, bool) { return k[1], k[0] == m.ID })
		}
		r.Members = append(r.Members, mr)
	}
	if moves {
		// The team's: each person's strongest member tie at each end.
		best := func(in map[[2]string]float64) map[[2]string]float64 {
			out := map[[2]string]float64{}
			for k, v := range in {
				t := [2]string{"", k[1]}
				out[t] = max(out[t], v)
			}
			return out
		}
		r.Team.moved(best(from), best(to), func(k [2]string) (string, bool) { return k[1], true })
		names := func(ms []Move) error {
			return a.name(ctx, tx, len(ms), func(i int) *rapport.PersonRef { return &ms[i].Person })
		}
		for _, mr := range append([]*MemberReport{&r.Team}, func() []*MemberReport {
			out := make([]*MemberReport, len(r.Members))
			for i := range r.Members {
				out[i] = &r.Members[i]
			}
			return out
		}()...) {
			if err := names(mr.Grew); err != nil {
				return nil, err
			}
			if err := names(mr.Faded); err != nil {
				return nil, err
			}
		}
	}
	return r, nil
}

// moved counts the ties (of the keys pick takes, each naming a person)
// whose strength rose and fell from one end of the period to the other, and
// keeps the three that moved most each way.
func (r *MemberReport) moved(from, to map[[2]string]float64, pick func([2]string) (string, bool)) {
	var ms []Move
	seen := map[[2]string]bool{}
	for _, m := range []map[[2]string]float64{from, to} {
		for k := range m {
			id, ok := pick(k)
			if !ok || seen[k] {
				continue
			}
			seen[k] = true
			if d := to[k] - from[k]; d != 0 {
				ms = append(ms, Move{Person: rapport.PersonRef{ID: id}, From: from[k], To: to[k]})
			}
		}
	}
	sortMoves(ms)
	r.Grew, r.Faded = []Move{}, []Move{}
	for _, m := range ms {
		if m.To > m.From {
			r.GrewCount++
			if len(r.Grew) < 3 {
				r.Grew = append(r.Grew, m)
			}
		}
	}
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].To < ms[i].From {
			r.FadedCount++
			if len(r.Faded) < 3 {
				r.Faded = append(r.Faded, ms[i])
			}
		}
	}
}

// memberStrengths replays every member's history (or only's alone) once and
// returns each member's tie strength with each person at the start and at
// the end of a period, rounded as shown, and who reached out and answered
// by its end (model.Reach), member by member.
func (a *App) memberStrengths(ctx context.Context, tx *store.Tx, start, end time.Time, only string) (from, to map[[2]string]float64, reach map[[2]string]*model.Reach, err error) {
	p, kinds, err := a.modelOf(ctx, tx)
	if err != nil {
		return nil, nil, nil, err
	}
	ties := map[[2]string]*model.Tie{}
	from, to, reach = map[[2]string]float64{}, map[[2]string]float64{}, map[[2]string]*model.Reach{}
	passed := false
	mark := func(at time.Time, into map[[2]string]float64) {
		for k, t := range ties {
			if s := round1(t.Strength(at, p)); s > 0 {
				into[k] = s
			}
		}
	}
	err = tx.EachTouchOf(ctx, only, func(t store.MemberTouch) error {
		if !t.At.Before(end) {
			return nil // the rows come in time order: the rest are after it too
		}
		if !passed && !t.At.Before(start) {
			mark(start, from)
			passed = true
		}
		k := [2]string{t.MemberID, t.PersonID}
		if ties[k] == nil {
			ties[k], reach[k] = &model.Tie{}, &model.Reach{}
		}
		ties[k].Add(model.TouchOf(kinds[t.Kind], t.At, t.By, t.Minutes, t.Participants), p)
		reach[k].Add(t.At, t.By)
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	if !passed {
		mark(start, from)
	}
	mark(end, to)
	return from, to, reach, nil
}

// Privacy on a team's server: teammates see that you know someone, how
// well, and when you met (who, when, kind), never what you wrote or what a
// message said, unless you shared it. These are applied to everything a
// member is shown of a person.

// notesFor is what the one acting may read of a person's notes: their own
// (marked when the team does not see them), those teammates shared (with
// who wrote them), and those written before notes were private.
func (a *App) notesFor(ctx context.Context, notes []rapport.Item) ([]rapport.Item, error) {
	if a.space == nil {
		return notes, nil
	}
	me := a.memberID(ctx)
	var team map[string]Member
	out := []rapport.Item{}
	for _, it := range notes {
		switch {
		case it.MemberID == "":
		case it.MemberID == me:
			it.Private = !it.Shared
		case it.Shared:
			if team == nil {
				var err error
				if team, _, err = a.roster(ctx); err != nil {
					return nil, err
				}
			}
			it.By = cmp.Or(team[it.MemberID].Name, "a former teammate")
		default:
			continue // a teammate's private note
		}
		out = append(out, it)
	}
	return out, nil
}

// teammates reports whether an interaction (or favour, or ask) of memberID
// is a teammate's, whose content the one acting does not read.
func (a *App) teammates(ctx context.Context, memberID string) bool {
	return a.space != nil && memberID != "" && memberID != a.memberID(ctx)
}

// ownWorkspaceOnly refuses what would carry every member's private content
// out in one member's hands (a whole backup or export): on a team's server
// that is the operator's, with PostgreSQL's own tools.
func (a *App) ownWorkspaceOnly(what string) error {
	if a.space == nil {
		return nil
	}
	schema, _ := store.SchemaNames(a.space.ID)
	if a.space.Schema == "public" {
		schema = "public"
	}
	return rapport.Errorf(rapport.EINVALID, "%s of a team's workspace would carry the members' private notes: the operator backs it up (pg_dump -n %s); export vCard or CSV for the people", what, schema)
}

// TieCheck is how the members' stored ties compare with a rebuild from
// their histories.
type TieCheck struct {
	Checked    int      `json:"checked"`
	Mismatched int      `json:"mismatched"`
	Examples   []string `json:"examples,omitempty"`
}

// CheckMemberTies rebuilds every member's ties in memory from their
// histories and compares them with the stored ones (strength now, touch
// count): what a load test checks after its writes.
func (a *App) CheckMemberTies(ctx context.Context) (*TieCheck, error) {
	tx := a.DB.View()
	p, kinds, err := a.modelOf(ctx, tx)
	if err != nil {
		return nil, err
	}
	want := map[[2]string]*model.Tie{}
	err = tx.EachMemberTouch(ctx, func(t store.MemberTouch) error {
		k := [2]string{t.MemberID, t.PersonID}
		if want[k] == nil {
			want[k] = &model.Tie{}
		}
		want[k].Add(model.TouchOf(kinds[t.Kind], t.At, t.By, t.Minutes, t.Participants), p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	now := a.now()
	c := &TieCheck{}
	bad := func(format string, args ...any) {
		c.Mismatched++
		if len(c.Examples) < 5 {
			c.Examples = append(c.Examples, fmt.Sprintf(format, args...))
		}
	}
	err = tx.EachMemberTie(ctx, "", func(t store.MemberTie) error {
		c.Checked++
		got, err := decodeTie(t.State)
		if err != nil {
			return err
		}
		k := [2]string{t.MemberID, t.PersonID}
		w := want[k]
		delete(want, k)
		if w == nil {
			bad("%s/%s: stored, but no history", t.MemberID, t.PersonID)
			return nil
		}
		if g, e := got.Strength(now, p), w.Strength(now, p); math.Abs(g-e) > 1e-6 || got.Touches != w.Touches {
			bad("%s/%s: stored %.4f (%d touches), rebuilt %.4f (%d)", t.MemberID, t.PersonID, g, got.Touches, e, w.Touches)
		}
		return nil
	})
	for k := range want {
		bad("%s/%s: a history, but no stored tie", k[0], k[1])
	}
	return c, err
}

// WorkspaceNamed is Workspace by the workspace's name.
func (a *App) WorkspaceNamed(ctx context.Context, name string) (*App, error) {
	w, err := a.workspace(ctx, a.DB.View(), name)
	if err != nil {
		return nil, err
	}
	return a.Workspace(ctx, w.ID)
}

// MissingInteractions returns those of ids that are not stored (a load
// test's acknowledged writes).
func (a *App) MissingInteractions(ctx context.Context, ids []string) ([]string, error) {
	known, err := a.DB.View().KnownInteractions(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range ids {
		if !known[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

// sharedChange refuses a change of what a workspace shares (the model, the
// ladder, the time zone) to a member who is neither its owner nor an admin.
func (a *App) sharedChange(ctx context.Context, what string) error {
	if a.space == nil {
		return nil
	}
	if m := a.actor(ctx); m != nil && (m.Role == RoleOwner || m.Role == RoleAdmin) {
		return nil
	}
	return rapport.Errorf(rapport.EINVALID, "%s are the workspace's: only its owner or an admin changes them", what)
}

// SetPrivate keeps a person to the member acting (private), or gives them
// back to the team: teammates do not see a private person, unless they know
// them too, and never see that this member does.
func (a *App) SetPrivate(ctx context.Context, ref string, private bool) (*PersonDetail, error) {
	if a.space == nil {
		return nil, rapport.Errorf(rapport.EINVALID, "keeping a person private is a team's server's: in your own Rapport everyone is yours alone")
	}
	me := a.memberID(ctx)
	if me == "" {
		return nil, rapport.Errorf(rapport.EINVALID, "only a member keeps a person private")
	}
	var id string
	err := a.update(ctx, func(tx *store.Tx) error {
		r, err := tx.Resolve(ctx, ref)
		if err != nil {
			return err
		}
		id = r.ID
		owner, err := tx.KeeperOf(ctx, r.ID)
		if err != nil {
			return err
		}
		if owner != "" && owner != me {
			return rapport.Errorf(rapport.ECONFLICT, "a teammate keeps %s private: only they change that", r.Name)
		}
		to := ""
		if private {
			to = me
		}
		return tx.SetPrivate(ctx, r.ID, to)
	})
	if err != nil {
		return nil, err
	}
	return a.Show(ctx, id)
}

// shareContentKey is the setting by which a member shows their teammates what
// their interactions say (a mail's subject, a meeting's title, a note).
func shareContentKey(memberID string) string { return "team.share_content." + memberID }

// ShareContent says whether the one acting shows their teammates what their
// interactions say; off until they turn it on.
func (a *App) ShareContent(ctx context.Context) (bool, error) {
	if a.space == nil {
		return false, nil
	}
	s, err := a.view(ctx).Settings(ctx)
	return s[shareContentKey(a.memberID(ctx))] == "on", err
}

// SetShareContent turns on or off, for the one acting on a team's server,
// showing their teammates what their interactions say: by default teammates
// see who, when and how (the metadata), never what.
func (a *App) SetShareContent(ctx context.Context, on bool) error {
	if a.space == nil || a.memberID(ctx) == "" {
		return rapport.Errorf(rapport.EINVALID, "sharing what your interactions say is for a member of a team's server (RAPPORT_MEMBER_TOKEN, or signed in)")
	}
	v := ""
	if on {
		v = "on"
	}
	return a.update(ctx, func(tx *store.Tx) error { return tx.SetSetting(ctx, shareContentKey(a.memberID(ctx)), v) })
}

// hidesContent is, for the one acting, whether what an interaction by
// memberID says is hidden: a teammate's, unless they share it.
type hidesContent func(memberID string) bool

func (a *App) contentHidden(ctx context.Context, tx *store.Tx) (hidesContent, error) {
	if a.space == nil {
		return func(string) bool { return false }, nil
	}
	s, err := tx.Settings(ctx)
	if err != nil {
		return nil, err
	}
	return func(m string) bool { return a.teammates(ctx, m) && s[shareContentKey(m)] != "on" }, nil
}
