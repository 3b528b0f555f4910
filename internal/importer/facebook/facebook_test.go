package facebook

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func TestFriendsWithMojibake(t *testing.T) {
	f, err := os.Open("testdata/your_friends.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := Read(f, "your_friends.json")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range res.People {
		names = append(names, p.Name)
	}
	if got := strings.Join(names, "|"); got != "José García|Ada Lovelace|Björn Östberg" {
		t.Errorf("names = %q", got)
	}
	if res.Read != 4 || res.Skipped != 1 || len(res.Touches) != 0 || res.People[0].Met != "friends on Facebook since 2021-01-01" {
		t.Errorf("read %d skipped %d touches %+v met %q", res.Read, res.Skipped, res.Touches, res.People[0].Met)
	}
	old, err := Read(strings.NewReader(`{"friends":[{"name":"Ada","timestamp":1}]}`), "friends.json")
	if err != nil || len(old.People) != 1 {
		t.Errorf("older export: %+v %v", old, err)
	}
	for _, bad := range []string{"", "[]", `{"other":1}`, `{"friends_v2":{"name":"x"}}`} {
		if _, err := Read(strings.NewReader(bad), "f.json"); err == nil || !strings.Contains(err.Error(), "f.json") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func FuzzRead(f *testing.F) {
	b, _ := os.ReadFile("testdata/your_friends.json")
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Read(bytes.NewReader(data), "fuzz.json")
		if err != nil {
			return
		}
		if len(res.People)+res.Skipped != res.Read {
			t.Fatalf("read %d, people %d, skipped %d", res.Read, len(res.People), res.Skipped)
		}
	})
}
