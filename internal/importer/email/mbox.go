package email

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/rapport-app/rapport/internal/importer"
)

// mboxBlock is how much of an mbox is read at a time and handed to a parser.
const mboxBlock = 4 << 20

var fromSep = []byte("\nFrom ")

// ReadMbox reads the messages of an mbox file, calling fn for each in the
// file's order: the header block is parsed, the body skipped. The file is
// read in blocks cut at message boundaries and the blocks are parsed on every
// core, so a mailbox of gigabytes is read at nearly the speed of the disk.
func ReadMbox(r io.Reader, file string, fn func(Message) error) (read int, err error) {
	return readMbox(r, file, mboxBlock, fn)
}

func readMbox(r io.Reader, file string, block int, fn func(Message) error) (read int, err error) {
	workers := max(1, runtime.GOMAXPROCS(0))
	type result struct {
		msgs     []parsed
		newlines int
	}
	type job struct {
		data []byte
		out  chan result
	}
	work := make(chan job)
	order := make(chan job, 2*workers)
	done := make(chan struct{})
	defer close(done)
	free := make(chan []byte, 3*workers) // blocks to read into again

	for range workers {
		go func() {
			hp := newHeaderParser()
			for j := range work {
				msgs, nl := parseBlock(j.data, hp)
				j.out <- result{msgs, nl}
				select {
				case free <- j.data[:0]:
				default:
				}
			}
		}()
	}

	var readErr error
	go func() {
		defer close(order)
		defer close(work)
		readErr = splitMbox(r, file, block, free, func(data []byte) bool {
			j := job{data: data, out: make(chan result, 1)}
			select {
			case order <- j:
			case <-done:
				return false
			}
			select {
			case work <- j:
				return true
			case <-done:
				return false
			}
		})
	}()

	line := 1 // of the start of the next block
	for j := range order {
		res := <-j.out
		for _, p := range res.msgs {
			p.msg.Where = importer.Where(file, line+p.line)
			if p.msg.At.IsZero() {
				p.msg.At = fromLineDate(p.fromLine) // no usable Date header: the separator's
			}
			read++
			if err := fn(p.msg); err != nil {
				return read, err
			}
		}
		line += res.newlines
	}
	return read, readErr
}

// splitMbox reads r in blocks that each end just before a "From " line (or at
// the end of the file) and passes them to emit, which keeps them. A file that
// does not start with a separator (blank lines aside) is refused.
func splitMbox(r io.Reader, file string, block int, free chan []byte, emit func([]byte) bool) error {
	var carry []byte
	first := true
	for {
		var buf []byte
		select {
		case buf = <-free:
		default:
			buf = make([]byte, 0, block+len(carry))
		}
		buf = append(buf, carry...)
		if cap(buf)-len(buf) < block/2 {
			buf = append(buf, make([]byte, block)...)[:len(buf)]
		}
		n, err := io.ReadFull(r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		eof := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !eof {
			return fmt.Errorf("read %s: %w", file, err)
		}
		if first {
			decided, err := checkStart(buf, file, eof)
			if err != nil {
				return err
			}
			first = !decided
		}
		cut := len(buf)
		if !eof {
			cut = bytes.LastIndex(buf, fromSep) + 1
			if cut <= 0 {
				// One message longer than a block: keep reading it.
				carry = buf
				continue
			}
		}
		carry = append([]byte(nil), buf[cut:]...)
		if cut > 0 && !emit(buf[:cut]) {
			return nil
		}
		if eof {
			return nil
		}
	}
}

// checkStart refuses a file whose first non-blank line is not a separator;
// it reports whether buf held enough of the file to tell.
func checkStart(buf []byte, file string, eof bool) (bool, error) {
	line := 1
	for len(buf) > 0 {
		l := buf
		i := bytes.IndexByte(buf, '\n')
		if i >= 0 {
			l, buf = buf[:i], buf[i+1:]
		} else {
			buf = nil
		}
		if len(bytes.TrimSpace(l)) > 0 {
			if i < 0 && !eof && len(l) < len("From ") && bytes.HasPrefix([]byte("From "), l) {
				return false, nil // too little of the line yet
			}
			if !bytes.HasPrefix(l, []byte("From ")) {
				return true, importer.Error(importer.Where(file, line), "not an mbox file: expected a \"From \" separator line")
			}
			return true, nil
		}
		line++
	}
	return eof, nil
}

// parsed is one message of a block, with the line it starts on counted from
// the block's start.
type parsed struct {
	msg      Message
	line     int
	fromLine string
}

// parseBlock parses the messages of a block that holds whole messages: each
// header up to its blank line, then a jump to the next separator.
func parseBlock(data []byte, hp *headerParser) (msgs []parsed, newlines int) {
	pos := 0
	if !bytes.HasPrefix(data, []byte("From ")) {
		// Blank lines before the first message.
		i := bytes.Index(data, fromSep)
		if i < 0 {
			return nil, bytes.Count(data, []byte{'\n'})
		}
		pos = i + 1
		newlines = bytes.Count(data[:pos], []byte{'\n'})
	}
	for pos < len(data) {
		msg := data[pos:]
		end := len(msg)
		if i := bytes.Index(msg, fromSep); i >= 0 {
			end = i + 1
		}
		msg = msg[:end]
		fromEnd := bytes.IndexByte(msg, '\n')
		if fromEnd < 0 {
			fromEnd = len(msg)
		}
		header := msg[min(fromEnd+1, len(msg)):]
		if i := headerEnd(header); i >= 0 {
			header = header[:i]
		}
		m, _ := parseHeader(header, "", time.Time{}, hp)
		p := parsed{msg: m, line: newlines}
		if m.At.IsZero() {
			p.fromLine = string(msg[:fromEnd]) // its date is the message's
		}
		msgs = append(msgs, p)
		newlines += bytes.Count(msg, []byte{'\n'})
		pos += end
	}
	return msgs, newlines
}

// headerEnd returns where the blank line that ends a header block starts, or
// -1 when the message has no body.
func headerEnd(b []byte) int {
	if len(b) > 0 && (b[0] == '\n' || b[0] == '\r' && len(b) > 1 && b[1] == '\n') {
		return 0
	}
	off := 0
	for {
		i := bytes.IndexByte(b[off:], '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
		if off < len(b) && (b[off] == '\n' || b[off] == '\r' && off+1 < len(b) && b[off+1] == '\n') {
			return off
		}
	}
}
