package interop

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"text/template"
	"time"
)

// Scratch is the directory, as the servers show it to the test user, under which the suite
// writes. Every server jails the user in its home, which holds it.
const Scratch = "/scratch"

// vars are what the templates under servers/NAME/ see.
type vars struct {
	Name       string
	Root       string // where the package is unpacked ("/" when installed)
	Work       string // the server's work directory: rendered files, logs
	Home       string // the test user's home (the server's root for it); holds Scratch
	Port       int
	PassiveMin int
	PassiveMax int
	User       string
	Password   string
	PAMService string // a PAM service with no file of its own: PAM's "other" (pam_unix)
	TLS        bool
	Cert, Key  string // PEM files
	CertKey    string // certificate and key in one PEM file
}

// Instance is a running server.
type Instance struct {
	Server Server
	Work   string
	cmd    *exec.Cmd
	done   chan struct{} // closed when the process has exited
	err    error         // the process's exit, once done is closed
	log    *os.File
}

// LogFile is where the server's standard output and error go.
func (in *Instance) LogFile() string { return filepath.Join(in.Work, "server.log") }

// Target is the URL the suite tests, with the test user's credentials.
func (in *Instance) Target() string {
	return fmt.Sprintf("ftp://%s:%s@127.0.0.1:%d%s", TestUser, TestPassword, in.Server.Port, Scratch)
}

// Start renders the server's files into a fresh work directory (a fresh, empty scratch home
// too), starts it in its own process group and waits until it greets on its port.
func (e Env) Start(ctx context.Context, s Server) (*Instance, error) {
	work := filepath.Join(e.WorkDir, "servers", s.Name)
	stopLeftover(filepath.Join(e.WorkDir, "servers", s.Name+".pid"), work)
	if err := os.RemoveAll(work); err != nil {
		return nil, err
	}
	v := vars{
		Name: s.Name, Root: e.RootDir(s), Work: work, Home: filepath.Join(work, "home"),
		Port: s.Port, PassiveMin: s.PassiveMin, PassiveMax: s.PassiveMax,
		User: TestUser, Password: TestPassword, PAMService: "ftpconform-interop", TLS: s.TLS,
	}
	for _, dir := range []string{work, filepath.Join(work, "empty"), filepath.Join(v.Home, strings.TrimPrefix(Scratch, "/"))} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	if s.TLS {
		tlsDir := filepath.Join(e.WorkDir, "tls")
		var err error
		if v.Cert, v.Key, v.CertKey, err = ensureCertificate(tlsDir); err != nil {
			return nil, fmt.Errorf("%s: TLS certificate: %v", s.Name, err)
		}
	}
	if err := e.setUpUsers(context.WithoutCancel(ctx), s, v); err != nil {
		return nil, err
	}
	argv, err := render(s, v)
	if err != nil {
		return nil, err
	}
	if conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.Port), time.Second); err == nil {
		conn.Close()
		return nil, fmt.Errorf("%s: port %d on 127.0.0.1 is already in use by another program; stop it (its PID: ss -ltnp 'sport = :%d')", s.Name, s.Port, s.Port)
	}
	in := &Instance{Server: s, Work: work, done: make(chan struct{})}
	if in.log, err = os.Create(in.LogFile()); err != nil {
		return nil, err
	}
	in.cmd = exec.Command(argv[0], argv[1:]...)
	in.cmd.Dir = work
	// vsftpd writes its start-up errors ("500 OOPS: …") to standard input.
	in.cmd.Stdin, in.cmd.Stdout, in.cmd.Stderr = in.log, in.log, in.log
	in.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // Stop ends the server and its children
	e.logf("%s: starting %s", s.Name, strings.Join(argv, " "))
	if err := in.cmd.Start(); err != nil {
		in.log.Close()
		return nil, fmt.Errorf("%s: %v", s.Name, err)
	}
	pidFile := filepath.Join(e.WorkDir, "servers", s.Name+".pid")
	os.WriteFile(pidFile, []byte(strconv.Itoa(in.cmd.Process.Pid)+"\n"), 0o644)
	go func() {
		in.err = in.cmd.Wait()
		os.Remove(pidFile)
		in.log.Close()
		close(in.done)
	}()
	if err := in.waitReady(ctx, 15*time.Second); err != nil {
		in.Stop()
		return nil, err
	}
	e.logf("%s: running as PID %d on 127.0.0.1:%d", s.Name, in.cmd.Process.Pid, s.Port)
	return in, nil
}

// waitReady waits until the server greets a connection with 220, it exits, or the deadline.
func (in *Instance) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	addr := fmt.Sprintf("127.0.0.1:%d", in.Server.Port)
	var last error
	for time.Now().Before(deadline) {
		greeting, err := greet(addr, time.Until(deadline))
		if err == nil && strings.HasPrefix(greeting, "220") {
			return nil
		}
		if err == nil {
			err = fmt.Errorf("greeting %q", greeting)
		}
		last = err
		select {
		case <-in.done:
			return fmt.Errorf("%s exited before it answered (%v): %s", in.Server.Name, in.err, tail(in.LogFile(), 5))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond): // next connection attempt
		}
	}
	return fmt.Errorf("%s did not greet on %s within %v (%v): %s", in.Server.Name, addr, limit, last, tail(in.LogFile(), 5))
}

// greet connects, reads the greeting's last line and says QUIT.
func greet(addr string, limit time.Duration) (string, error) {
	limit = min(limit, 5*time.Second)
	conn, err := net.DialTimeout("tcp", addr, limit)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(limit))
	r := bufio.NewReader(conn)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return "", err
		}
		// The last line of a reply is "ddd text" (RFC 959 §4.2).
		if len(line) >= 4 && line[3] == ' ' {
			fmt.Fprintf(conn, "QUIT\r\n")
			return strings.TrimSpace(line), nil
		}
	}
}

// PID is the server's process ID.
func (in *Instance) PID() int { return in.cmd.Process.Pid }

// Stop ends the server: SIGTERM to its process group (the server's PID), SIGKILL after 5 s.
func (in *Instance) Stop() {
	pid := in.cmd.Process.Pid
	syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case <-in.done:
	case <-time.After(5 * time.Second):
		syscall.Kill(-pid, syscall.SIGKILL)
		<-in.done
	}
	// Children that outlived the leader (a session still open) go too.
	syscall.Kill(-pid, syscall.SIGKILL)
	// Wait (5 s at most) until it is gone, so that its port is free again.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		if syscall.Kill(pid, 0) != nil {
			return
		}
		time.Sleep(50 * time.Millisecond) // polling a process that has no other way to tell
	}
}

// render writes every servers/NAME/*.tmpl into the work directory (without .tmpl), copies the
// other files, and returns the rendered argv of servers/NAME/command.
func render(s Server, v vars) ([]string, error) {
	dir := path.Join("servers", s.Name)
	entries, err := fs.ReadDir(serverFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("%s: no files under interop/servers/%s: %v", s.Name, s.Name, err)
	}
	var argv []string
	for _, entry := range entries {
		b, err := fs.ReadFile(serverFiles, path.Join(dir, entry.Name()))
		if err != nil {
			return nil, err
		}
		name := entry.Name()
		if name != "command" && !strings.HasSuffix(name, ".tmpl") {
			if err := os.WriteFile(filepath.Join(v.Work, name), b, 0o644); err != nil {
				return nil, err
			}
			continue
		}
		t, err := template.New(name).Option("missingkey=error").Parse(string(b))
		if err != nil {
			return nil, fmt.Errorf("interop/servers/%s/%s: %v", s.Name, name, err)
		}
		var out bytes.Buffer
		if err := t.Execute(&out, v); err != nil {
			return nil, fmt.Errorf("interop/servers/%s/%s: %v", s.Name, name, err)
		}
		if name == "command" {
			argv = commandLines(out.String())
			continue
		}
		// Configuration files hold no secret but the test password; vsftpd wants them not
		// writable by others.
		if err := os.WriteFile(filepath.Join(v.Work, strings.TrimSuffix(name, ".tmpl")), out.Bytes(), 0o644); err != nil {
			return nil, err
		}
	}
	if len(argv) == 0 {
		return nil, fmt.Errorf("interop/servers/%s/command: no command", s.Name)
	}
	return argv, nil
}

// commandLines are the non-blank, non-comment lines of a rendered command file.
func commandLines(s string) []string {
	var argv []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			argv = append(argv, line)
		}
	}
	return argv
}

// setUpUsers gives the test user its home: owned by the Unix account for servers that log it
// in as that account, and for Pure-FTPd a PureDB entry made with pure-pw.
func (e Env) setUpUsers(ctx context.Context, s Server, v vars) error {
	if s.Users != "system" && s.Users != "puredb" {
		return nil
	}
	u, err := lookupSystemUser()
	if err != nil {
		return notAvailable("%s: the Unix account %s: %v", s.Name, TestUser, err)
	}
	err = filepath.WalkDir(v.Home, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Chown(p, u.UID, u.GID)
	})
	if err != nil {
		return err
	}
	if s.Users != "puredb" {
		return nil
	}
	purePW := filepath.Join(v.Root, "usr/bin/pure-pw")
	passwd, pdb := filepath.Join(v.Work, "pureftpd.passwd"), filepath.Join(v.Work, "pureftpd.pdb")
	// pure-pw hashes with argon2id at a cost that takes seconds per login on a small, busy
	// machine, long enough to time the suite's logins out. A SHA-512 crypt hash (which
	// pure-ftpd checks with crypt(3)) from openssl is as good for a loopback test account.
	if hash, err := runIn(ctx, "", "openssl", "passwd", "-6", "-salt", "ftpconformsalt", TestPassword); err == nil && strings.HasPrefix(hash, "$6$") {
		line := fmt.Sprintf("%s:%s:%d:%d::%s/./::::::::::::\n", TestUser, strings.TrimSpace(hash), u.UID, u.GID, v.Home)
		if err := os.WriteFile(passwd, []byte(line), 0o600); err != nil {
			return err
		}
		if out, err := runIn(ctx, "", purePW, "mkdb", pdb, "-f", passwd); err != nil {
			return fmt.Errorf("%s: pure-pw mkdb: %v: %s", s.Name, err, lastLine(out))
		}
		return nil
	}
	cmd := exec.CommandContext(ctx, purePW, "useradd", TestUser,
		"-u", strconv.Itoa(u.UID), "-g", strconv.Itoa(u.GID), "-d", v.Home, "-f", passwd, "-F", pdb, "-m")
	cmd.Stdin = strings.NewReader(TestPassword + "\n" + TestPassword + "\n") // asked twice
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: pure-pw useradd: %v: %s", s.Name, err, lastLine(string(out)))
	}
	return nil
}

// tail returns the last n lines of a file, joined with " | ", for one-line error messages.
func tail(file string, n int) string {
	b, err := os.ReadFile(file)
	if err != nil {
		return "(no log)"
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	if len(lines) == 1 && lines[0] == "" {
		return "(empty log " + file + ")"
	}
	return strings.Join(lines, " | ")
}

// stopLeftover ends a server that an earlier, killed run left running: the process whose PID
// the run wrote into pidFile, if it is still alive and its command line names the server's
// work directory (so a PID reused by another program is left alone). By its PID, never by name.
func stopLeftover(pidFile, work string) {
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return
	}
	defer os.Remove(pidFile)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 1 {
		return
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || !bytes.Contains(cmdline, []byte(work)) {
		return
	}
	syscall.Kill(-pid, syscall.SIGKILL)
	// Wait (5 s at most) until it is gone, so that its port is free again.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		if syscall.Kill(pid, 0) != nil {
			return
		}
		time.Sleep(50 * time.Millisecond) // polling a process that has no other way to tell
	}
}
