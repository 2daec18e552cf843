package refserver

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration of a server. Its JSON form is the --config file of refftpd
// (field names as in the json tags; durations as strings such as "30s"). The zero value of every
// option means "off": a condition that produces a special reply code exists only when asked for.
//
// Paths in the policy lists (ReadOnlyPaths, BusyPaths, IOErrorPaths, UnknownPageTypePaths) are
// slash-separated and relative to Root ("/readonly" is Root/readonly), whatever the home of the
// user who reaches them.
type Config struct {
	// Listen is the TCP address to bind: "127.0.0.1:2121" when empty; "127.0.0.1:0" picks a port.
	Listen string `json:"listen,omitempty"`
	// Root is the directory that holds every file the server serves. No path ever leaves it:
	// "..", absolute paths and symbolic links are confined by os.Root. Required.
	Root string `json:"root"`
	// Users may log in. See User.
	Users []User `json:"users,omitempty"`
	// UsersFile names a users file (one "name:password" a line, "#" comments; the password may
	// be a bcrypt hash; the names "anonymous" and "ftp" make an anonymous read-only user that
	// accepts any password). Its users are added to Users.
	UsersFile string `json:"users_file,omitempty"`
	// ReadOnly refuses every write for every user.
	ReadOnly bool `json:"read_only,omitempty"`
	// Banner is the text of the 220 greeting; several lines make a multi-line 220.
	Banner string `json:"banner,omitempty"`
	// PassivePorts is the port range for PASV and EPSV listeners, "50000-50100"; any free port
	// when empty.
	PassivePorts string `json:"passive_ports,omitempty"`
	// DataTimeout bounds the wait for a data connection (accept after PASV/EPSV, dial after
	// PORT/EPRT) and every read or write on it: 425 or 426 after it. Default 30s.
	DataTimeout Duration `json:"data_timeout,omitempty"`
	// IdleTimeout closes a control connection that sends nothing for this long, with 421
	// (RFC 959 §5.4 allows 421 for any command). 0: never. SITE IDLE changes it per session.
	IdleTimeout Duration `json:"idle_timeout,omitempty"`
	// MaxConnections is the number of control connections served at once; the next one is
	// answered 421 and closed. 0: no limit.
	MaxConnections int `json:"max_connections,omitempty"`
	// StartDelay makes the server look as if it were still starting: every new connection is
	// told "120 Service ready in nnn minutes" and gets its 220 only after this delay; so is
	// REIN, which returns a session to a new connection's state. 0: off.
	StartDelay Duration `json:"start_delay,omitempty"`
	// LoginFailDelay is waited before answering 530 to a wrong password or account. 0: none.
	LoginFailDelay Duration `json:"login_fail_delay,omitempty"`
	// MaxLoginFailures closes the connection with 421 after this many failed logins. 0: no limit.
	MaxLoginFailures int `json:"max_login_failures,omitempty"`
	// StorageBudget is the number of bytes all files under Root may hold together. An upload
	// that would go beyond it is answered 452 (before 150 when there is no room at all). Usage
	// is the sum of file sizes under Root, counted at the start of each upload. 0: no limit.
	StorageBudget int64 `json:"storage_budget,omitempty"`
	// BusyWhileWriting makes a file that an upload is writing unavailable to every other
	// command that reads, writes, renames or deletes it: 450.
	BusyWhileWriting bool `json:"busy_while_writing,omitempty"`
	// BusyPaths are files that are always busy: RETR, STOR, APPE, DELE and RNFR answer 450.
	BusyPaths []string `json:"busy_paths,omitempty"`
	// ReadOnlyPaths are directories (with everything below them) where writes are refused with
	// 550 (553 for STOR, STOU and RNTO, whose RFC 959 §5.4 rows have no 550).
	ReadOnlyPaths []string `json:"read_only_paths,omitempty"`
	// RefusedNames are path.Match patterns for file names the server refuses to create: STOR,
	// STOU, APPE and RNTO answer 553 ("File name not allowed"), MKD 550.
	RefusedNames []string `json:"refused_names,omitempty"`
	// IOErrorPaths are files whose transfers fail with 451 ("local error in processing"): RETR
	// sends the first half of the file, then 451; STOR and APPE accept nothing and answer 451.
	IOErrorPaths []string `json:"io_error_paths,omitempty"`
	// PageStructure offers STRU P (RFC 959 §3.1.2.3); STRU P is 504 without it. A received
	// page of an unknown type aborts the upload with 551.
	PageStructure bool `json:"page_structure,omitempty"`
	// UnknownPageTypePaths are files whose page type the server does not know: STOR and APPE of
	// them in STRU P answer 551.
	UnknownPageTypePaths []string `json:"unknown_page_type_paths,omitempty"`
	// PageSize is the number of data bytes in each page sent with STRU P (1-255). Default 255.
	PageSize int `json:"page_size,omitempty"`
	// Mounts are the file systems SMNT can mount: SMNT argument → directory on the host. SMNT
	// answers 502 when there are none, 550 for an unknown name; "SMNT ~" returns home.
	Mounts map[string]string `json:"mounts,omitempty"`
	// PassiveReply125 makes transfer commands after PASV/EPSV wait for the client's data
	// connection and then answer 125 ("Data connection already open; transfer starting")
	// instead of 150. The choice is fixed, so replies never depend on timing.
	PassiveReply125 bool `json:"passive_reply_125,omitempty"`
	// KeepDataConnection keeps the data connection open after a transfer in block or
	// compressed mode (where EOF is explicit, RFC 959 §3.3): the transfer ends with 250 instead
	// of 226, the next transfer answers 125, and ABOR with the idle connection answers 225.
	KeepDataConnection bool `json:"keep_data_connection,omitempty"`
	// RestartMarkerInterval makes RETR in block or compressed mode send a restart marker
	// (RFC 959 §3.5) every so many bytes of the file. 0: no markers.
	RestartMarkerInterval int64 `json:"restart_marker_interval,omitempty"`
	// Faults switches on named faults from the fault catalogue (see Faults()): each breaks one
	// rule on purpose. An unknown name is an error.
	Faults []string `json:"faults,omitempty"`

	// FTP over TLS (RFC 4217). AUTH TLS is always offered; these options choose the certificate,
	// add implicit FTPS and set the policies of RFC 4217 §10.

	// TLSCertFile and TLSKeyFile are the PEM certificate (chain) and private key. When both are
	// empty, a self-signed certificate for localhost and the loopback addresses is made at start.
	TLSCertFile string `json:"tls_cert_file,omitempty"`
	TLSKeyFile  string `json:"tls_key_file,omitempty"`
	// ImplicitListen is a second address to bind, where connections speak TLS from their first
	// byte (implicit FTPS, customarily port 990). Empty: none.
	ImplicitListen string `json:"implicit_listen,omitempty"`
	// RequireTLS refuses logins on a control connection without TLS: USER answers 530 until
	// AUTH TLS has succeeded (RFC 4217 §10.1).
	RequireTLS bool `json:"require_tls,omitempty"`
	// RequireProtectedData refuses transfers without PROT P: RETR, STOR, STOU, APPE, LIST and
	// NLST answer 521 before any 1yz (RFC 4217 §10.2).
	RequireProtectedData bool `json:"require_protected_data,omitempty"`
	// TLSSessionReuse requires TLS on a data connection to resume the control connection's TLS
	// session, as FileZilla Server does; otherwise the transfer ends with 522 (RFC 4217 §10.2).
	// Off by default: python's ftplib never resumes.
	TLSSessionReuse bool `json:"tls_session_reuse,omitempty"`
	// DenyCCC answers every CCC with 534. Without it CCC is accepted after login (and refused
	// with 534 before, as RFC 4217 §15.3 suggests).
	DenyCCC bool `json:"deny_ccc,omitempty"`

	// VirtualHosts are the names HOST (RFC 7151) may choose before login. Each serves a
	// directory under Root, in which the users' homes are taken. Without HOST, after REIN, or
	// with HOST naming the server's own address literal, the default host serves Root itself.
	VirtualHosts []VirtualHost `json:"virtual_hosts,omitempty"`
}

// VirtualHost is one host name the server answers to (RFC 7151).
type VirtualHost struct {
	// Name is a domain name ("ftp.example.com"); HOST compares it without regard to case.
	Name string `json:"name"`
	// Root is the directory under Root that the host serves ("/" when empty): a user whose
	// home is "/homes/q" gets Root/<root>/homes/q, made if missing.
	Root string `json:"root,omitempty"`
	// Banner is the text of HOST's 220 reply, the host's welcome; several lines make a
	// multi-line 220.
	Banner string `json:"banner,omitempty"`
}

// User is an account that may log in.
type User struct {
	// Name is the login name given to USER.
	Name string `json:"name"`
	// Password is the plain password, or a bcrypt hash ("$2a$", "$2b$", "$2y$").
	Password string `json:"password,omitempty"`
	// Account is what ACCT must give when AccountLogin or AccountStore is set.
	Account string `json:"account,omitempty"`
	// Home is the user's directory, relative to Root ("/" when empty); it is created if
	// missing. The user sees it as "/" and cannot leave it.
	Home string `json:"home,omitempty"`
	// ReadOnly refuses every write for this user.
	ReadOnly bool `json:"read_only,omitempty"`
	// Anonymous accepts any password (by convention an e-mail address, RFC 1635).
	Anonymous bool `json:"anonymous,omitempty"`
	// AccountLogin answers PASS with 332; the login completes with ACCT.
	AccountLogin bool `json:"account_login,omitempty"`
	// AccountStore answers uploads, RNTO and SITE CHMOD with 532 until ACCT has been given.
	AccountStore bool `json:"account_store,omitempty"`
	// Quota is the number of bytes the files under Home may hold together; an upload beyond it
	// is aborted with 552. 0: no limit.
	Quota int64 `json:"quota,omitempty"`
}

// Duration is a time.Duration written in JSON as a string such as "30s" or "1m30s".
type Duration time.Duration

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads a string such as "30s".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"30s\", got %s", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration %q: expected a form such as \"30s\" or \"1m\"", s)
	}
	if v < 0 {
		return fmt.Errorf("duration %q is negative", s)
	}
	*d = Duration(v)
	return nil
}

// D is the duration as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

const (
	defaultListen      = "127.0.0.1:2121"
	defaultDataTimeout = 30 * time.Second
	defaultPageSize    = 255
)

// LoadConfig reads a JSON config file. Unknown fields are errors, so that a misspelt option
// is never silently ignored.
func LoadConfig(file string) (Config, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return Config{}, err
	}
	cfg, err := ParseConfig(b)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %v", file, err)
	}
	return cfg, nil
}

// ParseConfig decodes a JSON config.
func ParseConfig(b []byte) (Config, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var cfg Config
	if err := dec.Decode(&cfg); err != nil {
		return Config{}, jsonError(b, err)
	}
	if dec.More() {
		return Config{}, errors.New("trailing data after the JSON object")
	}
	return cfg, nil
}

// jsonError adds the line number to a syntax error.
func jsonError(b []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + bytes.Count(b[:min(int(se.Offset), len(b))], []byte("\n"))
		return fmt.Errorf("line %d: %v", line, err)
	}
	return err
}

// ParseUsers reads a users file: one "name:password" a line; blank lines and lines starting
// with "#" are skipped. The password may be a bcrypt hash. The names "anonymous" and "ftp"
// make an anonymous, read-only user that accepts any password.
func ParseUsers(r io.Reader) ([]User, error) {
	var users []User
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		name, pass, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if name == "anonymous" || name == "ftp" {
			users = append(users, User{Name: name, Anonymous: true, ReadOnly: true})
			continue
		}
		if !ok {
			return nil, fmt.Errorf("line %d: expected name:password", n)
		}
		if name == "" {
			return nil, fmt.Errorf("line %d: empty user name", n)
		}
		users = append(users, User{Name: name, Password: pass})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return users, nil
}

// LoadUsers reads a users file (see ParseUsers).
func LoadUsers(file string) ([]User, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	users, err := ParseUsers(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	return users, nil
}

// cleanPolicyPath turns a policy path into the form used for lookups: "/a/b".
func cleanPolicyPath(p string) string { return path.Clean("/" + p) }

// parsePortRange reads "min-max".
func parsePortRange(s string) (lo, hi int, err error) {
	if s == "" {
		return 0, 0, nil
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, fmt.Errorf("passive_ports %q: expected MIN-MAX such as 50000-50100", s)
	}
	lo, err1 := strconv.Atoi(strings.TrimSpace(a))
	hi, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil || lo < 1024 || hi > 65535 || lo > hi {
		return 0, 0, fmt.Errorf("passive_ports %q: expected MIN-MAX with 1024 <= MIN <= MAX <= 65535", s)
	}
	return lo, hi, nil
}

// check validates the options that need no file system, and fills defaults.
func (c *Config) check() error {
	if c.Listen == "" {
		c.Listen = defaultListen
	}
	if c.Root == "" {
		return errors.New("root: no root directory given")
	}
	if c.DataTimeout == 0 {
		c.DataTimeout = Duration(defaultDataTimeout)
	}
	if c.PageSize == 0 {
		c.PageSize = defaultPageSize
	}
	if c.PageSize < 1 || c.PageSize > 255 {
		return fmt.Errorf("page_size %d: must be 1 to 255 (the data length of a page is one byte)", c.PageSize)
	}
	if c.MaxConnections < 0 || c.MaxLoginFailures < 0 || c.StorageBudget < 0 || c.RestartMarkerInterval < 0 {
		return errors.New("max_connections, max_login_failures, storage_budget and restart_marker_interval must not be negative")
	}
	if _, _, err := parsePortRange(c.PassivePorts); err != nil {
		return err
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		return errors.New("tls_cert_file and tls_key_file: give both, or neither for a self-signed certificate")
	}
	for _, p := range c.RefusedNames {
		if _, err := path.Match(p, ""); err != nil {
			return fmt.Errorf("refused_names: bad pattern %q", p)
		}
	}
	seen := map[string]bool{}
	for i := range c.Users {
		u := &c.Users[i]
		if u.Name == "" {
			return fmt.Errorf("users[%d]: empty name", i)
		}
		if strings.ContainsAny(u.Name, "\r\n") {
			return fmt.Errorf("users[%d]: name contains a line break", i)
		}
		if seen[u.Name] {
			return fmt.Errorf("users: %q appears twice", u.Name)
		}
		seen[u.Name] = true
		if u.Quota < 0 {
			return fmt.Errorf("user %q: negative quota", u.Name)
		}
		if (u.AccountLogin || u.AccountStore) && u.Account == "" {
			return fmt.Errorf("user %q: account_login/account_store need an account", u.Name)
		}
		u.Home = cleanPolicyPath(u.Home)
	}
	hosts := map[string]bool{}
	for i := range c.VirtualHosts {
		h := &c.VirtualHosts[i]
		if !validDomain(h.Name) {
			return fmt.Errorf("virtual_hosts[%d]: %q is not a domain name (RFC 7151 §3.1)", i, h.Name)
		}
		if hosts[strings.ToLower(h.Name)] {
			return fmt.Errorf("virtual_hosts: %q appears twice", h.Name)
		}
		hosts[strings.ToLower(h.Name)] = true
		h.Root = cleanPolicyPath(h.Root)
	}
	for name, dir := range c.Mounts {
		if name == "" || name == "~" {
			return fmt.Errorf("mounts: %q is not a usable mount name", name)
		}
		if dir == "" {
			return fmt.Errorf("mounts: %q has no directory", name)
		}
	}
	return nil
}
