//go:build harfixtures && unix

package record

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// appDir is e2e/harfixtures/app, found from this source file.
func appDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "app")
}

// freePort asks the kernel for a free loopback port. The app's port must be
// known before Django starts, for Django's CORS allow-list.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// nodeApp is one run of app/server.mjs; out holds its stdout and stderr
// interleaved, as a terminal shows them.
type nodeApp struct {
	URL   string
	cmd   *exec.Cmd
	stdin io.Closer
	out   *lockedBuffer
	done  chan struct{}
	once  sync.Once
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func startApp(t testing.TB, port int, env map[string]string) *nodeApp {
	t.Helper()
	if _, err := os.Stat(filepath.Join(appDir(), "node_modules", "next-auth")); err != nil {
		t.Fatalf("the app's packages are missing; run: (cd %s && npm ci)", appDir())
	}
	cmd := exec.Command("node", "server.mjs")
	cmd.Dir = appDir()
	cmd.Env = append(os.Environ(), "PORT="+fmt.Sprint(port))
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	a := &nodeApp{cmd: cmd, out: &lockedBuffer{}, done: make(chan struct{})}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	a.stdin = stdin
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting node: %v", err)
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if u, ok := strings.CutPrefix(line, "READY "); ok {
				ready <- u
				continue
			}
			fmt.Fprintln(a.out, line)
		}
	}()
	go func() { _ = cmd.Wait(); pw.Close(); close(a.done) }()
	t.Cleanup(a.stop)
	select {
	case a.URL = <-ready:
	case <-a.done:
		t.Fatalf("node exited before READY:\n%s", a.out)
	case <-time.After(30 * time.Second):
		t.Fatalf("node: no READY in 30s:\n%s", a.out)
	}
	return a
}

func (a *nodeApp) stop() {
	a.once.Do(func() {
		_ = a.stdin.Close()
		select {
		case <-a.done:
		case <-time.After(3 * time.Second):
			_ = syscall.Kill(-a.cmd.Process.Pid, syscall.SIGKILL)
			<-a.done
		}
	})
}

// post sends v as JSON to one of the app's /__fixture routes (from Go, so
// it is not in the browser's HAR) and decodes the answer into out.
func (a *nodeApp) post(path string, v, out any) error {
	body, _ := json.Marshal(v)
	resp, err := http.Post(a.URL+path, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(out)
}

func (a *nodeApp) get(path string, out any) error {
	resp, err := http.Get(a.URL + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(out)
}

// runCmd runs a program and returns its standard output.
func runCmd(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).Output()
	return string(out), err
}
