// Package formats maps each import source name to its parser and reads files
// and folders for it.
package formats

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rapport-app/rapport"
	"github.com/rapport-app/rapport/internal/importer"
	"github.com/rapport-app/rapport/internal/importer/email"
	"github.com/rapport-app/rapport/internal/importer/facebook"
	"github.com/rapport-app/rapport/internal/importer/google"
	"github.com/rapport-app/rapport/internal/importer/ics"
	"github.com/rapport-app/rapport/internal/importer/linkedin"
	"github.com/rapport-app/rapport/internal/importer/vcard"
)

// Sources lists the import sources, for help and errors.
var Sources = []string{"linkedin", "google", "csv", "vcard", "mbox", "maildir", "ics", "facebook"}

// Options tune a read.
type Options struct {
	Me       []string  // the export's owner, where the source needs it
	Now      time.Time // nothing after now is read
	Progress func(read, total int64)
	Photos   bool // keep the pictures a source carries (vCard)
}

// progress counts the bytes read across the files of one import.
type progress struct {
	fn          func(read, total int64)
	read, total int64
	last        time.Time
}

func (p *progress) wrap(r io.Reader) io.Reader {
	if p == nil || p.fn == nil {
		return r
	}
	return &countingReader{r: r, p: p}
}

type countingReader struct {
	r io.Reader
	p *progress
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.p.read += int64(n)
	if now := time.Now(); now.Sub(c.p.last) > 100*time.Millisecond || err == io.EOF {
		c.p.last = now
		c.p.fn(c.p.read, c.p.total)
	}
	return n, err
}

// Read parses the files (or the files inside folders) of one source.
func Read(source string, paths []string, opts Options) (*importer.Result, error) {
	me, now := opts.Me, opts.Now
	prog := &progress{fn: opts.Progress}
	for _, p := range paths {
		_ = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if info, err := d.Info(); err == nil {
					prog.total += info.Size()
				}
			}
			return nil
		})
	}
	if len(paths) == 0 {
		return nil, rapport.Errorf(rapport.EINVALID, "import %s: name at least one file or folder", source)
	}
	switch source {
	case "linkedin":
		return readLinkedIn(paths, me, prog)
	case "google", "csv": // csv: a contacts CSV from Google, Outlook or Thunderbird
		return readEach(paths, ext(".csv"), prog, google.Read)
	case "vcard":
		return readEach(paths, ext(".vcf"), prog, func(r io.Reader, f string) (*importer.Result, error) {
			return vcard.ReadWith(r, f, vcard.Options{Photos: opts.Photos})
		})
	case "ics":
		return readEach(paths, ext(".ics"), prog, func(r io.Reader, f string) (*importer.Result, error) { return ics.Read(r, f, me, now) })
	case "mbox":
		files, _, err := expand(paths, ext(".mbox"))
		if err != nil {
			return nil, err
		}
		c := email.NewCollector(me)
		for _, f := range files {
			if err := readFile(f, prog, func(r io.Reader) error { _, err := email.ReadMbox(r, f, c.Add); return err }); err != nil {
				return nil, err
			}
		}
		return c.Result(strings.Join(paths, ", "))
	case "maildir":
		c := email.NewCollector(me)
		for _, p := range paths {
			if st, err := os.Stat(p); err != nil || !st.IsDir() {
				return nil, rapport.Errorf(rapport.EINVALID, "%s: a Maildir is a folder (with cur and new inside)", p)
			}
			if _, err := email.ReadMaildir(p, c.Add); err != nil {
				return nil, err
			}
		}
		return c.Result(strings.Join(paths, ", "))
	case "facebook":
		// In a whole export folder, only the friends list itself: not
		// removed_friends.json or the other lists that end the same way.
		return readEach(paths, named("your_friends.json", "friends.json"), prog, facebook.Read)
	}
	return nil, rapport.Errorf(rapport.EINVALID, "unknown source %q: expected one of %s, or json (a Rapport backup)", source, strings.Join(Sources, ", "))
}

func merge(into, r *importer.Result) { into.Merge(r) }

// ext matches file names by their ending.
func ext(e string) func(string) bool {
	return func(name string) bool { return strings.HasSuffix(strings.ToLower(name), e) }
}

// named matches file names exactly.
func named(names ...string) func(string) bool {
	return func(name string) bool { return slices.Contains(names, strings.ToLower(name)) }
}

// expand lists the files named, walking folders for the files match accepts.
func expand(paths []string, match func(string) bool) (files []string, explicit map[string]bool, err error) {
	explicit = map[string]bool{}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, nil, rapport.Errorf(rapport.EINVALID, "%s: %v", p, unwrapPathError(err))
		}
		if !st.IsDir() {
			files = append(files, p)
			explicit[p] = true
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && match(d.Name()) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("read folder %s: %w", p, err)
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, explicit, nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

func readLinkedIn(paths []string, me []string, prog *progress) (*importer.Result, error) {
	files, explicit, err := expand(paths, ext(".csv"))
	if err != nil {
		return nil, err
	}
	res := &importer.Result{}
	var conns, msgs []string
	for _, f := range files {
		head, err := readHead(f, 4096)
		if err != nil {
			return nil, err
		}
		switch linkedin.Detect(head) {
		case linkedin.Connections:
			conns = append(conns, f)
		case linkedin.Messages:
			msgs = append(msgs, f)
		default:
			if explicit[f] {
				return nil, rapport.Errorf(rapport.EINVALID, "%s: neither Connections.csv nor messages.csv of a LinkedIn export (no such header in its first lines)", f)
			}
		}
	}
	if len(conns)+len(msgs) == 0 {
		return nil, rapport.Errorf(rapport.EINVALID, "no Connections.csv or messages.csv found in %s", strings.Join(paths, ", "))
	}
	for _, f := range conns {
		r, err := parseFile(f, prog, func(rd io.Reader) (*importer.Result, error) { return linkedin.ReadConnections(rd, f) })
		if err != nil {
			return nil, err
		}
		merge(res, r)
	}
	for _, f := range msgs {
		r, err := parseFile(f, prog, func(rd io.Reader) (*importer.Result, error) { return linkedin.ReadMessages(rd, f, me) })
		if err != nil {
			return nil, err
		}
		merge(res, r)
	}
	return res, nil
}

// readEach parses every file named (or found in folders by match) with one
// parser.
func readEach(paths []string, match func(string) bool, prog *progress, parse func(io.Reader, string) (*importer.Result, error)) (*importer.Result, error) {
	files, _, err := expand(paths, match)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, rapport.Errorf(rapport.EINVALID, "no files of that kind found in %s", strings.Join(paths, ", "))
	}
	res := &importer.Result{}
	for _, f := range files {
		r, err := parseFile(f, prog, func(rd io.Reader) (*importer.Result, error) { return parse(rd, f) })
		if err != nil {
			return nil, err
		}
		merge(res, r)
	}
	return res, nil
}

func readHead(path string, n int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, rapport.Errorf(rapport.EINVALID, "%s: %v", path, unwrapPathError(err))
	}
	defer f.Close()
	buf := make([]byte, n)
	m, err := io.ReadFull(f, buf)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return buf[:m], nil
}

func readFile(path string, prog *progress, read func(io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return rapport.Errorf(rapport.EINVALID, "%s: %v", path, unwrapPathError(err))
	}
	defer f.Close()
	return read(prog.wrap(f))
}

func parseFile(path string, prog *progress, parse func(io.Reader) (*importer.Result, error)) (*importer.Result, error) {
	var res *importer.Result
	err := readFile(path, prog, func(r io.Reader) error {
		var err error
		res, err = parse(r)
		return err
	})
	return res, err
}
