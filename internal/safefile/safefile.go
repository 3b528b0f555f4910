// Package safefile makes new files that appear whole or not at all: a
// backup or an export interrupted by Ctrl-C, kill -9 or a full disk leaves
// no file that looks complete and no file in the way of the next try.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/rapport-app/rapport"
)

// Create makes the new file path. fill writes a temporary file beside it
// (same directory, so the final step is a link, not a copy); once fill has
// succeeded the file is synced and linked to path, which must not exist.
// On any failure the temporary file is removed and path is left as it was.
func Create(path string, fill func(tmp string) error) (err error) {
	if _, err := os.Lstat(path); err == nil {
		return rapport.Errorf(rapport.ECONFLICT, "%s exists: choose a new file", path)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".partial-*")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	tmp := f.Name()
	f.Close()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if err := os.Remove(tmp); err != nil { // fill makes it (VACUUM INTO wants no file)
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := fill(tmp); err != nil {
		return err
	}
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// A hard link fails if path appeared meanwhile, where a rename would
	// replace it; without hard links, rename after a last look.
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return rapport.Errorf(rapport.ECONFLICT, "%s exists: choose a new file", path)
		}
		if _, serr := os.Lstat(path); serr == nil {
			return rapport.Errorf(rapport.ECONFLICT, "%s exists: choose a new file", path)
		}
		if err := os.Rename(tmp, path); err != nil {
			return fmt.Errorf("create %s: %w", path, err)
		}
	} else {
		os.Remove(tmp)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Write is Create for content written through a writer.
func Write(path string, write func(w io.Writer) error) error {
	return Create(path, func(tmp string) error {
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("create %s: %w", path, err)
		}
		if err := write(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	})
}

func syncFile(p string) error {
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
