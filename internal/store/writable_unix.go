//go:build unix

package store

import "syscall"

// dirWritable asks the system whether dir can be written (access(2), which
// also knows a read-only mount), without writing anything: it runs before
// every command.
func dirWritable(dir string) bool {
	return syscall.Access(dir, 0x2 /* W_OK */) == nil
}
