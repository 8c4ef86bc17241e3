//go:build unix

// Package backend runs the real Django + DRF + SimpleJWT + django-cors-headers
// backend in e2e/djangobackend on loopback, one process per test, so tests
// meet the exact wordings, status codes and CORS headers of SimpleJWT 5.2.2
// instead of a hand-written imitation.
package backend

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Python is the interpreter that has the Debian Django packages. The python3
// first on PATH may be another interpreter without them.
const Python = "/usr/bin/python3"

// InstallCommand installs what the backend needs on Debian.
const InstallCommand = "apt-get install -y python3-djangorestframework-simplejwt python3-django-cors-headers"

// requiredModules are imported to check the interpreter before starting.
var requiredModules = []string{"django", "rest_framework", "rest_framework_simplejwt", "corsheaders"}

// Config mirrors the server's TS_* environment variables. The zero value is
// SimpleJWT's defaults: HS256, 5 min access, 1 day refresh, no rotation.
type Config struct {
	Port                 int           // TS_PORT; 0 lets the server bind a free port
	SecretKey            string        // TS_SECRET_KEY; DefaultSecretKey when empty
	SigningKey           string        // TS_SIGNING_KEY; SecretKey when empty
	Algorithm            string        // TS_ALGORITHM; HS256 when empty
	CORSAllowedOrigins   []string      // TS_CORS_ALLOWED_ORIGINS
	CORSAllowCredentials bool          // TS_CORS_ALLOW_CREDENTIALS
	Rotate               bool          // TS_ROTATE -> ROTATE_REFRESH_TOKENS
	Blacklist            bool          // TS_BLACKLIST -> BLACKLIST_AFTER_ROTATION + blacklist app
	AccessLifetime       time.Duration // TS_ACCESS_SECONDS; 5m when 0
	RefreshLifetime      time.Duration // TS_REFRESH_SECONDS; 24h when 0
	Leeway               time.Duration // TS_LEEWAY
	Debug                bool          // TS_DEBUG -> Django DEBUG (404 pages differ)
	RunserverLog         bool          // TS_RUNSERVER_LOG -> runserver's log lines and "Unauthorized: /path"
	StartTimeout         time.Duration // how long to wait for READY; 60s when 0
}

// DefaultSecretKey is the SECRET_KEY used when Config.SecretKey is empty.
const DefaultSecretKey = "tokenscope-e2e-secret-key-not-for-production"

// The users the server creates at startup.
const (
	User             = "alice"
	Password         = "wonderland"
	InactiveUser     = "bob"
	InactivePassword = "builder"
)

// Server is one running backend process.
type Server struct {
	URL    string // http://127.0.0.1:<port>, no trailing slash
	Config Config

	t      testing.TB
	cmd    *exec.Cmd
	stdin  io.Closer
	exited chan struct{} // closed when the process has been reaped
	logs   *syncBuffer
	once   sync.Once
	client *http.Client
}

// Start runs the backend and waits until it accepts connections. It fails the
// test (never skips) when the Python packages are missing: CI must install
// them. t.Cleanup stops the server.
func Start(t testing.TB, cfg Config) *Server {
	t.Helper()
	if err := checkPython(); err != nil {
		t.Fatal(err)
	}
	s, err := launch(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

var pythonCheck struct {
	once sync.Once
	err  error
}

// checkPython imports the required modules once per test binary.
func checkPython() error {
	pythonCheck.once.Do(func() { pythonCheck.err = importCheck(Python, requiredModules) })
	return pythonCheck.err
}

// importCheck fails with the install command when python lacks a module.
func importCheck(python string, modules []string) error {
	cmd := exec.Command(python, "-c", "import "+strings.Join(modules, ", "))
	cmd.Env = pythonEnv(nil)
	out, err := cmd.CombinedOutput()
	if err == nil {
		return nil
	}
	return fmt.Errorf("backend: %s cannot import %s (%v: %s); install them with:\n  %s",
		python, strings.Join(modules, ", "), err, bytes.TrimSpace(out), InstallCommand)
}

// ServerScript is the path of e2e/djangobackend/server.py, found from this
// source file so tests work from any package directory.
func ServerScript() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "djangobackend", "server.py")
}

func launch(t testing.TB, cfg Config) (*Server, error) {
	if cfg.SecretKey == "" {
		cfg.SecretKey = DefaultSecretKey
	}
	cmd := exec.Command(Python, ServerScript())
	cmd.Env = pythonEnv(cfg.env(filepath.Join(t.TempDir(), "db.sqlite3")))
	// Own process group, so Stop can kill the server and anything it spawned.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	s := &Server{
		Config: cfg,
		t:      t,
		cmd:    cmd,
		exited: make(chan struct{}),
		logs:   &syncBuffer{},
		client: &http.Client{Timeout: 30 * time.Second},
	}
	cmd.Stderr = s.logs
	stdin, err := cmd.StdinPipe() // closed on Stop; the server exits on EOF
	if err != nil {
		return nil, err
	}
	s.stdin = stdin
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("backend: start %s: %w", Python, err)
	}
	ready := make(chan string, 1)
	go s.readStdout(stdout, ready)
	return s, s.waitReady(ready, cfg.StartTimeout)
}

// env renders cfg as the server's environment variables.
func (c Config) env(db string) []string {
	env := []string{
		"TS_PORT=" + strconv.Itoa(c.Port),
		"TS_DB=" + db,
		"TS_SECRET_KEY=" + c.SecretKey,
		"TS_SIGNING_KEY=" + c.SigningKey,
		"TS_ALGORITHM=" + c.Algorithm,
		"TS_CORS_ALLOWED_ORIGINS=" + strings.Join(c.CORSAllowedOrigins, ","),
		"TS_CORS_ALLOW_CREDENTIALS=" + flag(c.CORSAllowCredentials),
		"TS_ROTATE=" + flag(c.Rotate),
		"TS_BLACKLIST=" + flag(c.Blacklist),
		"TS_DEBUG=" + flag(c.Debug),
		"TS_RUNSERVER_LOG=" + flag(c.RunserverLog),
		"TS_EXIT_ON_STDIN_EOF=1",
	}
	for name, d := range map[string]time.Duration{
		"TS_ACCESS_SECONDS":  c.AccessLifetime,
		"TS_REFRESH_SECONDS": c.RefreshLifetime,
		"TS_LEEWAY":          c.Leeway,
	} {
		if d != 0 {
			env = append(env, name+"="+strconv.FormatFloat(d.Seconds(), 'f', -1, 64))
		}
	}
	return env
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// pythonEnv is os.Environ without variables that would point /usr/bin/python3
// at another interpreter's libraries or at other Django settings, plus extra.
func pythonEnv(extra []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case name == "PYTHONHOME", name == "PYTHONPATH", name == "DJANGO_SETTINGS_MODULE",
			strings.HasPrefix(name, "TS_"):
			continue
		}
		env = append(env, kv)
	}
	// Keep __pycache__ out of the source tree.
	env = append(env, "PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1")
	return append(env, extra...)
}

// readStdout hands the READY URL over and keeps draining stdout (into the
// logs) so the server never blocks on a full pipe.
func (s *Server) readStdout(stdout io.Reader, ready chan<- string) {
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		if url, ok := strings.CutPrefix(line, "READY "); ok {
			select {
			case ready <- strings.TrimSpace(url):
			default:
			}
			continue
		}
		fmt.Fprintln(s.logs, line)
	}
	_, _ = io.Copy(s.logs, stdout) // only if a line was too long to scan
	// Reap here: stdout closes when the process exits.
	_ = s.cmd.Wait()
	close(s.exited)
}

func (s *Server) waitReady(ready <-chan string, timeout time.Duration) error {
	if timeout == 0 {
		timeout = 60 * time.Second
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case s.URL = <-ready:
		return nil
	case <-s.exited:
		return fmt.Errorf("backend: server exited before READY (%v); output:\n%s", s.cmd.ProcessState, s.logs)
	case <-timer.C:
		s.Stop()
		return fmt.Errorf("backend: no READY within %v; output:\n%s", timeout, s.logs)
	}
}

// Stop terminates the server's process group and waits for it. It is safe to
// call more than once; tests call it to see how clients behave with the
// backend gone.
func (s *Server) Stop() {
	s.once.Do(func() {
		_ = s.stdin.Close()
		pgid := -s.cmd.Process.Pid
		_ = syscall.Kill(pgid, syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(pgid, syscall.SIGKILL)
			<-s.exited
		}
	})
}

// Logs returns what the server wrote so far: request lines and tracebacks.
func (s *Server) Logs() string { return s.logs.String() }

// Post sends body to path (e.g. "/api/token/refresh/") with the given
// Content-Type and returns the status and raw body.
func (s *Server) Post(path, contentType string, body []byte) (int, []byte, error) {
	resp, err := s.client.Post(s.URL+path, contentType, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

// PostJSON posts v encoded as JSON.
func (s *Server) PostJSON(path string, v any) (int, []byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return 0, nil, err
	}
	return s.Post(path, "application/json", body)
}

// StatusError is returned when the server answers with an unexpected status.
type StatusError struct {
	Path   string
	Status int
	Body   []byte
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("backend: POST %s: status %d: %s", e.Path, e.Status, e.Body)
}

// Login posts credentials to /api/token/ and returns the pair. raw is the
// response body whatever the status; err is a *StatusError unless 200.
func (s *Server) Login(user, pass string) (access, refresh string, raw []byte, err error) {
	return s.postPair("/api/token/", map[string]string{"username": user, "password": pass})
}

// Refresh posts {"refresh": token} to /api/token/refresh/. access is set on
// 200; newRefresh only when the server rotates. err is a *StatusError unless 200.
func (s *Server) Refresh(token string) (access, newRefresh string, raw []byte, err error) {
	return s.postPair("/api/token/refresh/", map[string]string{"refresh": token})
}

// postPair posts body to path and reads SimpleJWT's {"access", "refresh"}
// answer; raw is the body whatever the status, err a *StatusError unless 200.
func (s *Server) postPair(path string, body map[string]string) (access, refresh string, raw []byte, err error) {
	status, raw, err := s.PostJSON(path, body)
	if err != nil {
		return "", "", raw, err
	}
	if status != http.StatusOK {
		return "", "", raw, &StatusError{Path: path, Status: status, Body: raw}
	}
	var pair struct{ Access, Refresh string }
	if err := json.Unmarshal(raw, &pair); err != nil {
		return "", "", raw, fmt.Errorf("backend: %s body: %w", path, err)
	}
	return pair.Access, pair.Refresh, raw, nil
}

// IsStatus reports whether err is a *StatusError with the given status.
func IsStatus(err error, status int) bool {
	var se *StatusError
	return errors.As(err, &se) && se.Status == status
}

// syncBuffer is a bytes.Buffer safe for the output goroutines and readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
