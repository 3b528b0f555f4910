package linkedin

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/rapport-app/rapport"
)

func TestConnections(t *testing.T) {
	f, err := os.Open("testdata/Connections.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := ReadConnections(f, "Connections.csv")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range res.People {
		names = append(names, p.Name)
	}
	if got := strings.Join(names, "|"); got != `Ada Lovelace|Grace Hopper|José "JJ" García|Alan Turing` {
		t.Errorf("names = %s", got)
	}
	if res.Read != 5 || res.Skipped != 1 {
		t.Errorf("read %d, skipped %d: want 5 rows read, the one empty but for its date skipped", res.Read, res.Skipped)
	}
	ada := res.People[0]
	if ada.Emails[0] != "ada@example.com" || ada.Title != "Countess, Mathematician" || ada.Org != "Analytical Engines" || ada.URLs[0] != "https://www.linkedin.com/in/ada-lovelace" {
		t.Errorf("ada = %+v", ada)
	}
	if len(res.People[1].Emails) != 0 || res.People[2].Org != "Acme, Inc." {
		t.Errorf("grace %+v, jose %+v", res.People[1], res.People[2])
	}
	if len(res.Touches) != 0 || ada.Met != "connected on LinkedIn 2024-03-15" {
		t.Errorf("connecting is not contact: touches %+v, met %q", res.Touches, ada.Met)
	}
	if res.People[3].Key != "linkedin:https://www.linkedin.com/in/alan-turing" {
		t.Errorf("a trailing slash must not change the key: %q", res.People[3].Key)
	}
}

func TestConnectionsErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Notes:\nnothing here\n", "Connections.csv: no header row"},
		{"First Name,Last Name,Connected On\nAda,\"Lovelace,yesterday\nBob,Byron,01 Jan 2020\n", "Connections.csv:2: 2 fields where the header has 3: a quote opened here is never closed"},
	} {
		_, err := ReadConnections(strings.NewReader(c.in), "Connections.csv")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want an error containing %q", c.in, err, c.want)
		}
	}
	// A date that cannot be read costs that field, not the file.
	res, err := ReadConnections(strings.NewReader("First Name,Last Name,Connected On\nAda,Lovelace,yesterday\n"), "Connections.csv")
	if err != nil || len(res.People) != 1 || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], `Connections.csv:2: Connected On "yesterday"`) {
		t.Errorf("an unreadable date: %v %+v", err, res)
	}
	// Older exports without URL or dates still read.
	res, err = ReadConnections(strings.NewReader("First Name,Last Name,Email Address,Company\nAda,Lovelace,,AE\n"), "old.csv")
	if err != nil || len(res.People) != 1 || res.People[0].Key != "linkedin:name:ada lovelace" || res.People[0].Met != "" {
		t.Errorf("old export: %+v, %v", res, err)
	}
}

func TestMessagesFindTheOwner(t *testing.T) {
	data, err := os.ReadFile("testdata/messages.csv")
	if err != nil {
		t.Fatal(err)
	}
	if Detect(data) != Messages {
		t.Fatal("messages.csv not detected")
	}
	res, err := ReadMessages(bytes.NewReader(data), "messages.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Read != 5 || res.Skipped != 1 || len(res.Touches) != 4 {
		t.Fatalf("read %d, skipped %d, touches %d", res.Read, res.Skipped, len(res.Touches))
	}
	want := []struct {
		by     rapport.By
		people string
	}{{rapport.ByThem, "Ada Lovelace"}, {rapport.ByMe, "Ada Lovelace"}, {rapport.ByMe, "Grace Hopper|José García"}, {rapport.ByThem, "Grace Hopper|José García"}}
	for i, w := range want {
		tc := res.Touches[i]
		var names []string
		for _, p := range tc.People {
			names = append(names, p.Name)
		}
		if tc.By != w.by || strings.Join(names, "|") != w.people {
			t.Errorf("message %d: by %s with %v, want by %s with %s", i, tc.By, names, w.by, w.people)
		}
	}
	// Two people, one conversation: either could be the owner.
	one := "CONVERSATION ID,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE\nc1,Ada,https://l.in/ada,Bob,https://l.in/bob,2024-01-01 10:00:00 UTC\n"
	if _, err := ReadMessages(strings.NewReader(one), "messages.csv", nil); err == nil || !strings.Contains(err.Error(), "--me") {
		t.Errorf("an ambiguous owner: %v", err)
	}
	res, err = ReadMessages(strings.NewReader(one), "messages.csv", []string{"Bob"})
	if err != nil || res.Touches[0].By != rapport.ByThem || res.Touches[0].People[0].Name != "Ada" {
		t.Errorf("with --me Bob: %+v, %v", res, err)
	}
}

func FuzzConnections(f *testing.F) {
	seed, _ := os.ReadFile("testdata/Connections.csv")
	f.Add(seed)
	f.Add([]byte("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n,,,,,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ReadConnections(bytes.NewReader(data), "fuzz.csv")
		if err != nil {
			if rapport.ErrorCode(err) != rapport.EINVALID && err.Error() == "" {
				t.Fatalf("unexplained error %v", err)
			}
			return
		}
		if len(res.People)+res.Skipped != res.Read {
			t.Fatalf("read %d, people %d, skipped %d", res.Read, len(res.People), res.Skipped)
		}
	})
}

func FuzzMessages(f *testing.F) {
	seed, _ := os.ReadFile("testdata/messages.csv")
	f.Add(seed, "")
	f.Add(seed, "Pat Owner")
	f.Fuzz(func(t *testing.T, data []byte, me string) {
		var mes []string
		if me != "" {
			mes = []string{me}
		}
		res, err := ReadMessages(bytes.NewReader(data), "fuzz.csv", mes)
		if err != nil {
			return
		}
		for _, tc := range res.Touches {
			if len(tc.People) == 0 || tc.Key == "" {
				t.Fatalf("touch without people or key: %+v", tc)
			}
		}
	})
}

// Older and re-saved exports: the 2018 messages layout (with its Direction
// column and dates like "1/8/18, 6:14 PM"), names with a credential after a
// comma, and Connected On dates as a spreadsheet rewrites them.
func TestOlderAndResavedExports(t *testing.T) {
	f, err := os.Open("testdata/messages-2018.csv")
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 200)
	n, _ := f.Read(head)
	if Detect(head[:n]) != Messages {
		t.Fatalf("the 2018 layout is not recognised: %q", head[:n])
	}
	f.Seek(0, 0)
	res, err := ReadMessages(f, "messages-2018.csv", nil)
	f.Close()
	if err != nil || len(res.Touches) != 2 {
		t.Fatalf("2018 messages: %v %+v", err, res)
	}
	for i, want := range []string{"2018-01-08T18:14 me R. Shyaam Prasadh, Ph.D.", "2018-01-09T09:02 them R. Shyaam Prasadh, Ph.D."} {
		tc := res.Touches[i]
		var who []string
		for _, p := range tc.People {
			who = append(who, p.Name)
		}
		if got := tc.At.Format("2006-01-02T15:04") + " " + string(tc.By) + " " + strings.Join(who, "; "); got != want {
			t.Errorf("message %d: %q, want %q", i+1, got, want)
		}
	}
	f, err = os.Open("testdata/connections-resaved.csv")
	if err != nil {
		t.Fatal(err)
	}
	res, err = ReadConnections(f, "connections-resaved.csv")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var met []string
	for _, p := range res.People {
		met = append(met, p.Met)
	}
	if got := strings.Join(met, "; "); got != "connected on LinkedIn 2023-04-23; connected on LinkedIn 2018-01-08; connected on LinkedIn 2026-01-05" {
		t.Errorf("dates: %s", got)
	}
}
