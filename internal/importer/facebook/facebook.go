// Package facebook reads the friends list of Facebook's "Download your
// information" JSON export (connections/friends/your_friends.json, or the
// older friends/friends.json). Facebook writes every byte of a UTF-8
// sequence as its own \u00XX escape; names are repaired on the way in.
package facebook

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/importer"
)

type friend struct {
	Name      string `json:"name"`
	Timestamp int64  `json:"timestamp"`
}

// Read parses a friends file: {"friends_v2": [...]} or the older {"friends": [...]}.
func Read(r io.Reader, file string) (*importer.Result, error) {
	var doc map[string]json.RawMessage
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, importer.Error(file, "not a Facebook JSON export: %v", err)
	}
	var raw json.RawMessage
	for _, k := range []string{"friends_v2", "friends"} {
		if v, ok := doc[k]; ok {
			raw = v
			break
		}
	}
	if raw == nil {
		return nil, importer.Error(file, "no friends_v2 or friends list: is this your_friends.json?")
	}
	var friends []friend
	if err := json.Unmarshal(raw, &friends); err != nil {
		return nil, importer.Error(file, "friends list: %v", err)
	}
	res := &importer.Result{}
	for i, f := range friends {
		where := fmt.Sprintf("%s: friend %d", file, i+1)
		res.Read++
		name := strings.TrimSpace(importer.FixMojibake(f.Name))
		if name == "" {
			res.Skip("a friend without a name")
			continue
		}
		// Facebook gives names only: the name and the day you became friends
		// know the person across re-imports.
		key := "facebook:" + rapport.NameKey(name)
		p := importer.Person{Name: name, Key: key, Where: where}
		if f.Timestamp > 0 {
			// Befriending is not contact: kept as how you met.
			p.Met = "friends on Facebook since " + time.Unix(f.Timestamp, 0).UTC().Format("2006-01-02")
		}
		res.People = append(res.People, p)
	}
	return res, nil
}
