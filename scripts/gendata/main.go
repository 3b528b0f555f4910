// Command gendata writes synthetic export files for the import benchmarks:
// an mbox of realistic messages, or a LinkedIn Connections.csv. Nothing it
// writes is committed; docs/benchmarks.md says how to run it.
//
//	go run ./scripts/gendata mbox 200000 > bench.mbox
//	go run ./scripts/gendata connections 30000 > Connections.csv
package main

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gendata mbox|connections N")
		os.Exit(2)
	}
	n, err := strconv.Atoi(os.Args[2])
	if err != nil || n < 1 {
		fmt.Fprintln(os.Stderr, "gendata: N must be a positive number")
		os.Exit(2)
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	r := rand.New(rand.NewPCG(1, 2))
	switch os.Args[1] {
	case "mbox":
		mbox(w, r, n)
	case "connections":
		connections(w, r, n)
	default:
		fmt.Fprintln(os.Stderr, "gendata: mbox or connections")
		os.Exit(2)
	}
}

var words = strings.Fields(`the a meeting project update thanks regards next week call plan budget hiring design review
launch customer contract draft attached please let me know when you can schedule follow up quick question about invoice`)

func sentence(r *rand.Rand) string {
	n := 6 + r.IntN(14)
	ws := make([]string, n)
	for i := range ws {
		ws[i] = words[r.IntN(len(words))]
	}
	return strings.ToUpper(ws[0][:1]) + strings.Join(ws, " ")[1:] + "."
}

func mbox(w *bufio.Writer, r *rand.Rand, n int) {
	const people = 2000
	start := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		at := start.Add(time.Duration(i) * 7 * time.Minute)
		peer := r.IntN(people)
		peerAddr := fmt.Sprintf("person%d@example%d.com", peer, peer%50)
		from, to := "Pat Owner <pat@example.com>", fmt.Sprintf("Person %d <%s>", peer, peerAddr)
		bulk := r.IntN(5) == 0
		if r.IntN(2) == 0 || bulk {
			from, to = to, "Pat Owner <pat@example.com>"
		}
		if bulk {
			from = fmt.Sprintf("News %d <newsletter@shop%d.example>", peer%30, peer%30)
		}
		fmt.Fprintf(w, "From %d@xxx %s\n", 1700000000000000000+i, at.Format("Mon Jan 02 15:04:05 -0700 2006"))
		fmt.Fprintf(w, "X-GM-THRID: %d\nX-Gmail-Labels: Inbox,Opened\n", 1700000000000000000+i/3)
		fmt.Fprintf(w, "Message-ID: <%d.%d@example.com>\nDate: %s\nFrom: %s\nTo: %s\n", i, peer, at.Format(time.RFC1123Z), from, to)
		if r.IntN(4) == 0 {
			fmt.Fprintf(w, "Cc: Person %d <person%d@example%d.com>\n", (peer+1)%people, (peer+1)%people, ((peer+1)%people)%50)
		}
		if bulk {
			fmt.Fprintf(w, "List-Unsubscribe: <mailto:unsub@shop%d.example>\nPrecedence: bulk\n", peer%30)
		}
		fmt.Fprintf(w, "Subject: =?UTF-8?Q?%s?=\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b%d\"\n\n", strings.ReplaceAll(sentence(r), " ", "_"), i)
		fmt.Fprintf(w, "--b%d\nContent-Type: text/plain; charset=UTF-8\n\n", i)
		for range 10 + r.IntN(40) {
			fmt.Fprintln(w, sentence(r))
		}
		if r.IntN(10) == 0 { // an attachment, base64 in 76-column lines
			blob := make([]byte, 20000+r.IntN(60000))
			for j := range blob {
				blob[j] = byte(r.IntN(256))
			}
			enc := base64.StdEncoding.EncodeToString(blob)
			fmt.Fprintf(w, "--b%d\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n", i)
			for len(enc) > 76 {
				fmt.Fprintln(w, enc[:76])
				enc = enc[76:]
			}
			fmt.Fprintln(w, enc)
		}
		fmt.Fprintf(w, "--b%d--\n\n", i)
	}
}

func connections(w *bufio.Writer, r *rand.Rand, n int) {
	fmt.Fprint(w, "Notes:\n\"When exporting your connection data, you may notice that some of the email addresses are missing.\"\n\n")
	fmt.Fprintln(w, "First Name,Last Name,URL,Email Address,Company,Position,Connected On")
	first := strings.Fields("Ada Grace Alan Barbara Edsger Margaret Linus Ken Dennis Frances José Zoë")
	last := strings.Fields("Lovelace Hopper Turing Liskov Dijkstra Hamilton Torvalds Thompson Ritchie García Müller")
	start := time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		f, l := first[r.IntN(len(first))], last[r.IntN(len(last))]
		email := ""
		if r.IntN(8) == 0 {
			email = fmt.Sprintf("%s.%s.%d@example.com", strings.ToLower(f), strings.ToLower(l), i)
		}
		fmt.Fprintf(w, "%s,%s,https://www.linkedin.com/in/%s-%s-%d,%s,\"Company %d, Inc.\",Engineer,%s\n",
			f, l, strings.ToLower(f), strings.ToLower(l), i, email, r.IntN(500), start.AddDate(0, 0, r.IntN(5000)).Format("02 Jan 2006"))
	}
}
