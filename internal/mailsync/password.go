package mailsync

import (
	"bytes"
	"context"
	"os/exec"
	"strings"

	"github.com/rapport-app/rapport"
)

// Password runs a command that prints a password (as isync's PassCmd:
// "pass show mail", "secret-tool lookup host mail.example") with the shell,
// and returns its first line. Nothing of it is stored.
func Password(ctx context.Context, command string) (string, error) {
	if strings.TrimSpace(command) == "" {
		return "", rapport.FieldErrorf(rapport.EINVALID, "password_command", "is required: a command that prints the password (or set RAPPORT_IMAP_PASSWORD)")
	}
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", rapport.FieldErrorf(rapport.EINVALID, "password_command", "%q failed: %v %s", command, err, strings.TrimSpace(errb.String()))
	}
	line, _, _ := strings.Cut(out.String(), "\n")
	if line = strings.TrimRight(line, "\r"); line == "" {
		return "", rapport.FieldErrorf(rapport.EINVALID, "password_command", "%q printed no password", command)
	}
	return line, nil
}
