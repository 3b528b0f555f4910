// Package pgtest starts a throwaway PostgreSQL cluster for a test binary,
// with the server binaries Debian installs (initdb and pg_ctl under
// /usr/lib/postgresql/VERSION/bin), on a free loopback port, and gives each
// test a fresh database in it. The cluster is made on first use and removed
// when the binary ends (Main). Without the binaries a test is skipped, except
// in CI, where a missing server is a failure.
//
// PostgreSQL refuses to run as root: as root, the server runs as the
// unprivileged postgres system user (runuser).
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the driver the store uses for PostgreSQL
)

// Engine is the environment variable that runs a suite on PostgreSQL:
// RAPPORT_TEST_ENGINE=postgres.
const Engine = "RAPPORT_TEST_ENGINE"

// Enabled reports whether this test run is on PostgreSQL.
func Enabled() bool { return os.Getenv(Engine) == "postgres" }

type cluster struct {
	dir, bin, port, owner string
	admin                 *sql.DB
}

var (
	once    sync.Once
	started *cluster
	failed  error
	seq     atomic.Int64
)

// URL returns the URL of a new, empty database for t.
func URL(t testing.TB) string {
	t.Helper()
	u, err := NewURL()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL: %v (CI installs postgresql: the PostgreSQL runs must not skip)", err)
		}
		t.Skipf("PostgreSQL: %v", err)
	}
	return u
}

// NewURL is URL for callers without a testing.TB (a script's setup).
func NewURL() (string, error) {
	once.Do(func() { started, failed = start() })
	if failed != nil {
		return "", failed
	}
	name := fmt.Sprintf("t%d_%d", os.Getpid(), seq.Add(1))
	if _, err := started.admin.Exec(`CREATE DATABASE ` + name + ` TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	return "postgres://rapport@127.0.0.1:" + started.port + "/" + name + "?sslmode=disable", nil
}

// Main runs the tests and removes the cluster after them, if one started.
func Main(m interface{ Run() int }) int {
	code := m.Run()
	if started != nil {
		started.stop()
	}
	return code
}

func binDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", fmt.Errorf("no initdb found (install Debian's postgresql package)")
}

func version(dir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return v
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port), nil
}

// run runs a server binary, as the postgres user when we are root.
func (c *cluster) run(name string, args ...string) error {
	argv := append([]string{filepath.Join(c.bin, name)}, args...)
	if c.owner != "" {
		argv = append([]string{"runuser", "-u", c.owner, "--"}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v: %s", name, err, strings.TrimSpace(string(out)))
	}
	return nil
}

func start() (*cluster, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	c := &cluster{bin: bin}
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("running as root and there is no postgres user to run the server as")
		}
		c.owner = "postgres"
	}
	if c.dir, err = os.MkdirTemp("", "rapport-pg-"); err != nil {
		return nil, err
	}
	if err := os.Chmod(c.dir, 0o777); err != nil { // the postgres user writes in it
		return nil, err
	}
	data, sock := filepath.Join(c.dir, "data"), filepath.Join(c.dir, "sock")
	if err := os.Mkdir(sock, 0o777); err != nil {
		return nil, err
	}
	if err := os.Chmod(sock, 0o777); err != nil { // past the umask
		return nil, err
	}
	if err := c.run("initdb", "-D", data, "-U", "rapport", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(c.dir)
		return nil, err
	}
	for try := 0; ; try++ {
		if c.port, err = freePort(); err != nil {
			return nil, err
		}
		// A throwaway cluster: nothing needs to survive a crash.
		opts := "-p " + c.port + " -k " + sock + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
		if err = c.run("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(c.dir, "log"), "-w", "-t", "60", "start"); err == nil {
			break
		}
		if try == 2 {
			log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
			os.RemoveAll(c.dir)
			return nil, fmt.Errorf("%v; the server's log: %s", err, lastLines(string(log), 5))
		}
	}
	if c.admin, err = sql.Open("pgx", "postgres://rapport@127.0.0.1:"+c.port+"/postgres?sslmode=disable"); err != nil {
		c.stop()
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.admin.PingContext(ctx); err != nil {
		c.stop()
		return nil, err
	}
	return c, nil
}

func (c *cluster) stop() {
	if c.admin != nil {
		c.admin.Close()
	}
	_ = c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
	os.RemoveAll(c.dir)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], " | ")
}

// Replica returns the URLs of a new database on the cluster and of the same
// database on a streaming replica of the cluster, made for t with
// pg_basebackup and started on a port of its own (stopped and removed after
// t). The replica is a hot standby: it serves reads, refuses writes, and
// replays the primary's changes as they come.
func Replica(t testing.TB) (primary, replica string) {
	t.Helper()
	primary = URL(t)
	c := started
	dir, err := os.MkdirTemp("", "rapport-pg-replica-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	if err := c.run("pg_basebackup", "-D", data, "-R", "-X", "stream", "--checkpoint=fast", "-d", "host=127.0.0.1 port="+c.port+" user=rapport"); err != nil {
		os.RemoveAll(dir)
		t.Fatalf("pg_basebackup: %v", err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	opts := "-p " + port + " -k " + filepath.Join(c.dir, "sock") + " -c listen_addresses=127.0.0.1 -c hot_standby=on -c max_connections=200"
	if err := c.run("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		os.RemoveAll(dir)
		t.Fatalf("start the replica: %v; its log: %s", err, lastLines(string(log), 5))
	}
	t.Cleanup(func() {
		_ = c.run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
		os.RemoveAll(dir)
	})
	return primary, strings.Replace(primary, "127.0.0.1:"+c.port+"/", "127.0.0.1:"+port+"/", 1)
}
