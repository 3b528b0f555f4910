package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/rapport-app/rapport"
)

// Workspace is a team's place on the server.
type Workspace struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
	// Schema is where the workspace's data lives (a PostgreSQL schema of
	// its own, see OpenSchema; "public" for one made before there were
	// several).
	Schema string `json:"-"`
}

// Member is someone of a workspace, with a role: owner, admin or member.
type Member struct {
	ID        string    `json:"id"`
	Workspace Workspace `json:"workspace"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Created   time.Time `json:"created"`
}

// Kinds of member credentials.
const (
	TokenAPI    = "api"    // a personal API token, until revoked
	TokenSignIn = "signin" // a one-time sign-in link, until used or expired
	TokenDevice = "device" // an app password of a member's device, for the address book
)

// InsertWorkspace stores a workspace; a name in use is a conflict.
func (tx *Tx) InsertWorkspace(ctx context.Context, w Workspace) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO workspaces (id, name, created_ms, data_schema) VALUES (?, ?, ?, ?)`, w.ID, w.Name, ms(w.Created), w.Schema)
	if isUniqueViolation(err) {
		return rapport.FieldErrorf(rapport.ECONFLICT, "name", "%q: a workspace of that name exists", w.Name)
	}
	if err != nil {
		return fmt.Errorf("make the workspace: %w", mapErr(err))
	}
	return nil
}

// Workspaces lists the workspaces, by name.
func (tx *Tx) Workspaces(ctx context.Context) ([]Workspace, error) {
	var out []Workspace
	err := tx.eachRow(ctx, "list workspaces", `SELECT id, name, created_ms, data_schema FROM workspaces ORDER BY name`, nil, func(rows *sql.Rows) error {
		var w Workspace
		var created int64
		err := rows.Scan(&w.ID, &w.Name, &created, &w.Schema)
		w.Created = fromMs(created)
		out = append(out, w)
		return err
	})
	return out, err
}

// InsertMember stores a member; an email already in the workspace is a
// conflict.
func (tx *Tx) InsertMember(ctx context.Context, m Member) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO members (id, workspace_id, email, name, role, created_ms) VALUES (?, ?, ?, ?, ?, ?)`,
		m.ID, m.Workspace.ID, m.Email, m.Name, m.Role, ms(m.Created))
	if isUniqueViolation(err) {
		return rapport.FieldErrorf(rapport.ECONFLICT, "email", "%s is already a member of %s", m.Email, m.Workspace.Name)
	}
	if err != nil {
		return fmt.Errorf("add the member: %w", mapErr(err))
	}
	return nil
}

const memberColumns = `m.id, m.email, m.name, m.role, m.created_ms, w.id, w.name, w.created_ms, w.data_schema`

func scanMember(row interface{ Scan(...any) error }) (Member, error) {
	var m Member
	var created, wcreated int64
	err := row.Scan(&m.ID, &m.Email, &m.Name, &m.Role, &created, &m.Workspace.ID, &m.Workspace.Name, &wcreated, &m.Workspace.Schema)
	m.Created, m.Workspace.Created = fromMs(created), fromMs(wcreated)
	return m, err
}

// MemberByEmail returns the member of a workspace (by name) with an email.
func (tx *Tx) MemberByEmail(ctx context.Context, workspace, email string) (Member, error) {
	return tx.member(ctx, `w.name = ? AND m.email = ?`, []any{workspace, email},
		fmt.Sprintf("%s is not a member of a workspace named %q", email, workspace))
}

// MemberByID returns a member by id.
func (tx *Tx) MemberByID(ctx context.Context, id string) (Member, error) {
	return tx.member(ctx, `m.id = ?`, []any{id}, "no member "+id)
}

// member reads the one member where says, or says notFound.
func (tx *Tx) member(ctx context.Context, where string, args []any, notFound string) (Member, error) {
	m, err := scanMember(tx.q.QueryRowContext(ctx, `SELECT `+memberColumns+` FROM members m JOIN workspaces w ON w.id = m.workspace_id WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return m, rapport.Errorf(rapport.ENOTFOUND, "%s", notFound)
	}
	if err != nil {
		return m, fmt.Errorf("find the member: %w", err)
	}
	return m, nil
}

// Members lists a workspace's members, by email.
func (tx *Tx) Members(ctx context.Context, workspaceID string) ([]Member, error) {
	var out []Member
	err := tx.eachRow(ctx, "list members", `SELECT `+memberColumns+` FROM members m JOIN workspaces w ON w.id = m.workspace_id
		WHERE w.id = ? ORDER BY m.email`, []any{workspaceID}, func(rows *sql.Rows) error {
		m, err := scanMember(rows)
		out = append(out, m)
		return err
	})
	return out, err
}

// InsertMemberToken stores a member credential by its hash.
func (tx *Tx) InsertMemberToken(ctx context.Context, hash, memberID, kind string, created time.Time, expires *time.Time) error {
	var exp any
	if expires != nil {
		exp = ms(*expires)
	}
	if _, err := tx.q.ExecContext(ctx, `INSERT INTO member_tokens (hash, member_id, kind, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?)`,
		hash, memberID, kind, ms(created), exp); err != nil {
		return fmt.Errorf("store the credential: %w", mapErr(err))
	}
	return nil
}

// MemberToken is a credential as stored.
type MemberToken struct {
	Member  Member
	Expires *time.Time
	Used    *time.Time
}

// MemberByToken returns the credential of a kind with that hash, if any.
func (tx *Tx) MemberByToken(ctx context.Context, hash, kind string) (MemberToken, bool, error) {
	var t MemberToken
	var expires, used sql.NullInt64
	var created, wcreated int64
	m := &t.Member
	err := tx.q.QueryRowContext(ctx, `SELECT `+memberColumns+`, t.expires_ms, t.used_ms FROM member_tokens t
		JOIN members m ON m.id = t.member_id JOIN workspaces w ON w.id = m.workspace_id WHERE t.hash = ? AND t.kind = ?`, hash, kind).
		Scan(&m.ID, &m.Email, &m.Name, &m.Role, &created, &m.Workspace.ID, &m.Workspace.Name, &wcreated, &m.Workspace.Schema, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return t, false, nil
	}
	if err != nil {
		return t, false, fmt.Errorf("check a credential: %w", err)
	}
	m.Created, m.Workspace.Created = fromMs(created), fromMs(wcreated)
	t.Expires, t.Used = msPtr(expires), msPtr(used)
	return t, true, nil
}

// UseMemberToken notes that a credential was used at a moment.
func (tx *Tx) UseMemberToken(ctx context.Context, hash string, at time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE member_tokens SET used_ms = ? WHERE hash = ?`, ms(at), hash); err != nil {
		return fmt.Errorf("note a credential's use: %w", mapErr(err))
	}
	return nil
}

// DeleteMemberTokens revokes a member's API tokens and unused sign-in
// links; it says how many there were.
func (tx *Tx) DeleteMemberTokens(ctx context.Context, memberID string) (int, error) {
	r, err := tx.q.ExecContext(ctx, `DELETE FROM member_tokens WHERE member_id = ?`, memberID)
	if err != nil {
		return 0, fmt.Errorf("revoke the tokens: %w", mapErr(err))
	}
	n, _ := r.RowsAffected()
	return int(n), nil
}

// DeleteMember removes a member, and their credentials with them.
func (tx *Tx) DeleteMember(ctx context.Context, memberID string) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM member_tokens WHERE member_id = ?`, memberID); err != nil {
		return fmt.Errorf("remove the member: %w", mapErr(err))
	}
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM members WHERE id = ?`, memberID); err != nil {
		return fmt.Errorf("remove the member: %w", mapErr(err))
	}
	return nil
}

// SetMemberPassword stores a member's password hash.
func (tx *Tx) SetMemberPassword(ctx context.Context, memberID, hash string) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE members SET password = ? WHERE id = ?`, hash, memberID); err != nil {
		return fmt.Errorf("set the password: %w", mapErr(err))
	}
	return nil
}

// MembersByEmail returns the members with an email, in every workspace, with
// their password hashes.
func (tx *Tx) MembersByEmail(ctx context.Context, email string) ([]Member, []string, error) {
	var out []Member
	var hashes []string
	err := tx.eachRow(ctx, "find the member", `SELECT `+memberColumns+`, m.password FROM members m JOIN workspaces w ON w.id = m.workspace_id
		WHERE m.email = ? ORDER BY w.name`, []any{email}, func(rows *sql.Rows) error {
		var m Member
		var created, wcreated int64
		var h string
		err := rows.Scan(&m.ID, &m.Email, &m.Name, &m.Role, &created, &m.Workspace.ID, &m.Workspace.Name, &wcreated, &m.Workspace.Schema, &h)
		m.Created, m.Workspace.Created = fromMs(created), fromMs(wcreated)
		out, hashes = append(out, m), append(hashes, h)
		return err
	})
	return out, hashes, err
}

// MemberTouch is one person's part in an interaction a member logged.
type MemberTouch struct {
	MemberID string
	Touch
}

// EachMemberTouch calls fn with every person's part in every interaction a
// member logged or imported, in time order.
func (tx *Tx) EachMemberTouch(ctx context.Context, fn func(MemberTouch) error) error {
	return tx.EachTouchOf(ctx, "", fn)
}

// EachTouchOf is EachMemberTouch for one member's interactions alone ("":
// every member's).
func (tx *Tx) EachTouchOf(ctx context.Context, member string, fn func(MemberTouch) error) error {
	where, args := `i.member_id <> ''`, []any(nil)
	if member != "" {
		where, args = `i.member_id = ?`, []any{member}
	}
	return tx.eachRow(ctx, "read the team's touches", `SELECT i.member_id, ip.person_id, i.at_ms, i.kind, i.by_side, i.minutes, i.participants
		FROM interactions i JOIN interaction_people ip ON ip.interaction_id = i.id
		WHERE `+where+` ORDER BY i.at_ms, i.id, ip.person_id`, args, func(rows *sql.Rows) error {
		var t MemberTouch
		var at int64
		var by string
		if err := rows.Scan(&t.MemberID, &t.PersonID, &at, &t.Kind, &by, &t.Minutes, &t.Participants); err != nil {
			return err
		}
		t.At, t.By = fromMs(at), rapport.By(by)
		return fn(t)
	})
}

// MemberActivity is what one member did in a period: touches logged, gives
// (favours done by them), and asks with their outcomes.
type MemberActivity struct {
	MemberID                     string
	Touches, Gives               int
	Asks, Yes, No, None, Pending int
}

// TeamActivity counts each member's touches, gives and asks in [from, to).
func (tx *Tx) TeamActivity(ctx context.Context, from, to time.Time) (map[string]*MemberActivity, error) {
	out := map[string]*MemberActivity{}
	of := func(id string) *MemberActivity {
		if out[id] == nil {
			out[id] = &MemberActivity{MemberID: id}
		}
		return out[id]
	}
	err := tx.eachRow(ctx, "count the team's touches", `SELECT member_id, COUNT(*), SUM(CASE WHEN favour <> 0 AND by_side = 'me' THEN 1 ELSE 0 END)
		FROM interactions WHERE member_id <> '' AND at_ms >= ? AND at_ms < ? GROUP BY member_id`, []any{ms(from), ms(to)}, func(rows *sql.Rows) error {
		var id string
		var n, gives int
		if err := rows.Scan(&id, &n, &gives); err != nil {
			return err
		}
		a := of(id)
		a.Touches, a.Gives = n, gives
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tx.eachRow(ctx, "count the team's asks", `SELECT member_id, outcome, COUNT(*) FROM asks
		WHERE member_id <> '' AND at_ms >= ? AND at_ms < ? GROUP BY member_id, outcome`, []any{ms(from), ms(to)}, func(rows *sql.Rows) error {
		var id, outcome string
		var n int
		if err := rows.Scan(&id, &outcome, &n); err != nil {
			return err
		}
		a := of(id)
		a.Asks += n
		switch outcome {
		case rapport.OutcomeYes:
			a.Yes += n
		case rapport.OutcomeNo:
			a.No += n
		case rapport.OutcomeNone:
			a.None += n
		default:
			a.Pending += n
		}
		return nil
	})
	return out, err
}

// Passkey is a member's WebAuthn credential as stored: Credential is
// go-webauthn's verified credential (JSON), kept opaque here.
type Passkey struct {
	ID         string // the credential's id, base64url
	MemberID   string
	Name       string
	Credential []byte
	Created    time.Time
	Used       *time.Time
}

// InsertPasskey stores a member's new passkey.
func (tx *Tx) InsertPasskey(ctx context.Context, p Passkey) error {
	if _, err := tx.q.ExecContext(ctx, `INSERT INTO member_passkeys (id, member_id, name, credential, created_ms) VALUES (?, ?, ?, ?, ?)`,
		p.ID, p.MemberID, p.Name, string(p.Credential), ms(p.Created)); err != nil {
		return fmt.Errorf("store the passkey: %w", mapErr(err))
	}
	return nil
}

// Passkeys lists a member's passkeys, oldest first.
func (tx *Tx) Passkeys(ctx context.Context, memberID string) ([]Passkey, error) {
	out := []Passkey{}
	err := tx.eachRow(ctx, "read passkeys", `SELECT id, member_id, name, credential, created_ms, used_ms FROM member_passkeys
		WHERE member_id = ? ORDER BY created_ms, id`, []any{memberID}, func(r *sql.Rows) error {
		var p Passkey
		var cred string
		var created int64
		var used sql.NullInt64
		if err := r.Scan(&p.ID, &p.MemberID, &p.Name, &cred, &created, &used); err != nil {
			return err
		}
		p.Credential, p.Created, p.Used = []byte(cred), fromMs(created), msPtr(used)
		out = append(out, p)
		return nil
	})
	return out, err
}

// UsePasskey stores a passkey's credential as it stands after a sign-in
// (its signature counter moves) and when it was used.
func (tx *Tx) UsePasskey(ctx context.Context, id string, credential []byte, at time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE member_passkeys SET credential = ?, used_ms = ? WHERE id = ?`, string(credential), ms(at), id); err != nil {
		return fmt.Errorf("note the passkey's use: %w", mapErr(err))
	}
	return nil
}

// DeletePasskey removes one of a member's passkeys; it says whether there
// was one.
func (tx *Tx) DeletePasskey(ctx context.Context, memberID, id string) (bool, error) {
	r, err := tx.q.ExecContext(ctx, `DELETE FROM member_passkeys WHERE member_id = ? AND id = ?`, memberID, id)
	if err != nil {
		return false, fmt.Errorf("remove the passkey: %w", mapErr(err))
	}
	n, _ := r.RowsAffected()
	return n > 0, nil
}

// PutCeremony stores a passkey ceremony's state under the hash of its
// secret (memberID is ” for a sign-in), and drops those expired.
func (tx *Tx) PutCeremony(ctx context.Context, hash, memberID string, session []byte, expires, now time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM passkey_ceremonies WHERE expires_ms <= ?`, ms(now)); err != nil {
		return fmt.Errorf("drop old passkey ceremonies: %w", mapErr(err))
	}
	if _, err := tx.q.ExecContext(ctx, `INSERT INTO passkey_ceremonies (hash, member_id, session, expires_ms) VALUES (?, ?, ?, ?)`,
		hash, memberID, string(session), ms(expires)); err != nil {
		return fmt.Errorf("store the passkey ceremony: %w", mapErr(err))
	}
	return nil
}

// TakeCeremony returns and removes a ceremony's state (once: a replayed
// answer finds nothing); ok is false when there is none, or it expired.
func (tx *Tx) TakeCeremony(ctx context.Context, hash string, now time.Time) (memberID string, session []byte, ok bool, err error) {
	var s string
	var expires int64
	err = tx.q.QueryRowContext(ctx, `SELECT member_id, session, expires_ms FROM passkey_ceremonies WHERE hash = ?`, hash).Scan(&memberID, &s, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, false, nil
	}
	if err != nil {
		return "", nil, false, fmt.Errorf("read the passkey ceremony: %w", err)
	}
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM passkey_ceremonies WHERE hash = ?`, hash); err != nil {
		return "", nil, false, fmt.Errorf("close the passkey ceremony: %w", mapErr(err))
	}
	return memberID, []byte(s), expires > ms(now), nil
}

// InsertMemberDevice stores an app password of a member's device, named; a
// name the member already uses is a conflict. Its id is the start of its
// hash (AppToken.ID).
func (tx *Tx) InsertMemberDevice(ctx context.Context, hash, memberID, name string, created time.Time) (AppToken, error) {
	var n int
	if err := tx.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM member_tokens WHERE member_id = ? AND kind = ? AND name = ?`, memberID, TokenDevice, name).Scan(&n); err != nil {
		return AppToken{}, fmt.Errorf("store the app password: %w", err)
	}
	if n > 0 {
		return AppToken{}, rapport.FieldErrorf(rapport.ECONFLICT, "name", "%q already names one of your devices", name)
	}
	if _, err := tx.q.ExecContext(ctx, `INSERT INTO member_tokens (hash, member_id, kind, created_ms, name) VALUES (?, ?, ?, ?, ?)`,
		hash, memberID, TokenDevice, ms(created), name); err != nil {
		return AppToken{}, fmt.Errorf("store the app password: %w", mapErr(err))
	}
	return AppToken{ID: deviceID(hash), Name: name, Created: created}, nil
}

// deviceID is how a member's app password is named in lists: the start of
// its hash (the hash is of a random secret, so this reveals nothing).
func deviceID(hash string) string { return hash[:16] }

// MemberDevices lists a member's app passwords, oldest first.
func (tx *Tx) MemberDevices(ctx context.Context, memberID string) ([]AppToken, error) {
	out := []AppToken{}
	err := tx.eachRow(ctx, "read devices", `SELECT hash, name, created_ms, used_ms FROM member_tokens WHERE member_id = ? AND kind = ?
		ORDER BY created_ms, name`, []any{memberID, TokenDevice}, func(r *sql.Rows) error {
		var t AppToken
		var hash string
		var created int64
		var used sql.NullInt64
		if err := r.Scan(&hash, &t.Name, &created, &used); err != nil {
			return err
		}
		t.ID, t.Created, t.Used = deviceID(hash), fromMs(created), msPtr(used)
		out = append(out, t)
		return nil
	})
	return out, err
}

// DeleteMemberDevice removes one of a member's app passwords, by its id or
// name, and returns it.
func (tx *Tx) DeleteMemberDevice(ctx context.Context, memberID, ref string) (AppToken, error) {
	ds, err := tx.MemberDevices(ctx, memberID)
	if err != nil {
		return AppToken{}, err
	}
	for _, d := range ds {
		if d.ID == ref || d.Name == ref {
			if _, err := tx.q.ExecContext(ctx, `DELETE FROM member_tokens WHERE member_id = ? AND kind = ? AND name = ?`, memberID, TokenDevice, d.Name); err != nil {
				return d, fmt.Errorf("revoke the app password: %w", mapErr(err))
			}
			return d, nil
		}
	}
	return AppToken{}, rapport.Errorf(rapport.ENOTFOUND, "no app password %q of yours", ref)
}
