package harness

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"path"
	"strconv"
	"strings"
)

// TLSMode says how the control connection is protected (RFC 4217).
type TLSMode string

const (
	TLSNone     TLSMode = ""         // plain FTP
	TLSExplicit TLSMode = "explicit" // AUTH TLS on the plain port (RFC 4217 §4)
	TLSImplicit TLSMode = "implicit" // TLS from the first byte (ftps://)
)

// Target is the server under test, parsed from a URL such as
// ftp://user:pass@127.0.0.1:2121/scratch.
type Target struct {
	Host     string  // host name or IP literal, without brackets
	Port     int     // TCP port
	User     string  // login name; "anonymous" when the URL has none
	Password string  // password; may be empty
	Scratch  string  // absolute path under which the suite may write; "/" by default
	TLS      TLSMode // from the scheme (ftps:// is implicit) or the --tls flag
}

// Addr is host:port, ready for net.Dial.
func (t Target) Addr() string { return net.JoinHostPort(t.Host, strconv.Itoa(t.Port)) }

// String is the URL without the password, safe for reports and logs.
func (t Target) String() string {
	scheme := "ftp"
	if t.TLS == TLSImplicit {
		scheme = "ftps"
	}
	u := url.URL{Scheme: scheme, User: url.User(t.User), Host: t.Addr(), Path: t.Scratch}
	return u.String()
}

// ParseTarget reads a target URL. Every error names what is wrong in one line, because it is
// shown as is to the person who typed the URL.
func ParseTarget(raw string) (Target, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Target{}, errors.New("target URL is empty; expected ftp://USER:PASS@HOST:PORT/SCRATCH")
	}
	u, err := url.Parse(raw)
	if err != nil && !strings.Contains(raw, "://") {
		return Target{}, fmt.Errorf("target URL %q has no scheme; expected ftp:// or ftps://", raw)
	}
	if err != nil {
		return Target{}, fmt.Errorf("target URL %q is malformed: %v", raw, unwrapURLError(err))
	}
	t := Target{User: "anonymous", Scratch: "/"}
	switch strings.ToLower(u.Scheme) {
	case "ftp":
		t.Port = 21
	case "ftps":
		t.Port = 990
		t.TLS = TLSImplicit
	case "":
		return Target{}, fmt.Errorf("target URL %q has no scheme; expected ftp:// or ftps://", raw)
	default:
		return Target{}, fmt.Errorf("target URL %q has scheme %q; expected ftp:// or ftps://", raw, u.Scheme)
	}
	if u.Opaque != "" {
		return Target{}, fmt.Errorf("target URL %q must start with %s:// (two slashes)", raw, u.Scheme)
	}
	t.Host = u.Hostname()
	if t.Host == "" {
		return Target{}, fmt.Errorf("target URL %q has no host", raw)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Target{}, fmt.Errorf("target URL %q has port %q; expected a number from 1 to 65535", raw, p)
		}
		t.Port = n
	} else if strings.HasSuffix(u.Host, ":") {
		return Target{}, fmt.Errorf("target URL %q has an empty port", raw)
	}
	if u.User != nil {
		t.User = u.User.Username()
		t.Password, _ = u.User.Password()
		if t.User == "" {
			return Target{}, fmt.Errorf("target URL %q has an empty user name", raw)
		}
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return Target{}, fmt.Errorf("target URL %q has a query or fragment; only ftp://USER:PASS@HOST:PORT/SCRATCH is understood", raw)
	}
	if u.Path != "" {
		clean := path.Clean("/" + u.Path)
		if strings.ContainsAny(clean, "\r\n\x00") {
			return Target{}, fmt.Errorf("target URL %q has a control character in its path", raw)
		}
		t.Scratch = clean
	}
	return t, nil
}

// unwrapURLError drops the repetition of the URL that url.Error adds.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
