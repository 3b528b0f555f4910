//go:build !unix

package store

import (
	"errors"
	"io/fs"
	"os"
)

// dirWritable tells whether dir can be written; off Unix, by making and
// removing a file in it.
func dirWritable(dir string) bool {
	f, err := os.CreateTemp(dir, ".rapport-probe-*")
	if err != nil {
		return !errors.Is(err, fs.ErrPermission)
	}
	f.Close()
	os.Remove(f.Name())
	return true
}
