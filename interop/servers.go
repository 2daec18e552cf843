// Package interop runs the conformance suite against real, independently written FTP servers
// (vsftpd, ProFTPD, Pure-FTPd, pyftpdlib: Debian packages) and compares their verdicts with the
// ones committed under interop/expected/. cmd/interop is its command line; `make interop` runs it.
//
// Each server is described once, in the Servers table. Its command line and configuration
// files are Go templates committed under interop/servers/NAME/ (embedded): the file "command"
// holds the argv, one argument a line; every NAME.tmpl is rendered into the server's work
// directory as NAME. The work directory (interop/work/, git-ignored) also holds the unpacked
// packages, the scratch home the suite writes in, the logs and the reports.
package interop

import (
	"embed"
	"time"
)

// Server is one real FTP server the suite runs against.
type Server struct {
	Name    string // column of the comparison, folder under servers/, work/ and expected/
	Package string // the Debian package that ships it
	// Unpack: the package conflicts with the other servers in dpkg (each provides ftp-server),
	// so it is fetched with `apt-get download` and unpacked under work/root/NAME, not installed.
	Unpack bool
	// Extra are further packages unpacked beside it (ProFTPD's mod_tls is in proftpd-mod-crypto).
	Extra []string
	// Libraries are the Debian packages of the shared libraries an unpacked server links.
	Libraries []string
	// Executable is the program that must exist for the server to run, after {{.Root}}.
	Executable string
	// Port is the control port on 127.0.0.1. RFC 959 §3.2 puts a server's default data port at
	// L-1, so the ports are spread out: no server's L-1 is another's control port.
	Port       int
	PassiveMin int    // first port of the passive range
	PassiveMax int    // last port of the passive range
	Users      string // how the test user is known: "system" (a Unix account), "puredb", "own"
	TLS        bool   // the configuration offers AUTH TLS (explicit) with a generated certificate
	// ReplyTimeout is the suite's --timeout: Pure-FTPd answers a wrong password after ~11 s.
	ReplyTimeout time.Duration
	// MaxSessions caps the suite's concurrent connections (0: none); see Pure-FTPd's -c.
	MaxSessions int
}

// Servers are the servers `make interop` runs, in the order of the comparison's columns.
var Servers = []Server{
	{
		Name: "vsftpd", Package: "vsftpd", Unpack: true,
		Libraries:  []string{"libwrap0", "libpam-modules", "libcap2", "libssl3"},
		Executable: "/usr/sbin/vsftpd",
		Port:       2140, PassiveMin: 40100, PassiveMax: 40199,
		Users: "system", TLS: true, ReplyTimeout: 10 * time.Second,
	},
	{
		Name: "proftpd", Package: "proftpd-core", Unpack: true, Extra: []string{"proftpd-mod-crypto"},
		Libraries: []string{"libhiredis0.14", "libmemcached11", "libmemcachedutil2",
			"libpcre2-posix3", "libpcre2-8-0", "libacl1", "libcap2", "libssl3", "libidn2-0", "libsodium23"},
		Executable: "/usr/sbin/proftpd",
		Port:       2150, PassiveMin: 40200, PassiveMax: 40299,
		Users: "system", TLS: true, ReplyTimeout: 10 * time.Second,
	},
	{
		Name: "pure-ftpd", Package: "pure-ftpd", Unpack: true,
		Libraries:  []string{"libsodium23", "libcap2", "libssl3"},
		Executable: "/usr/sbin/pure-ftpd",
		Port:       2160, PassiveMin: 40300, PassiveMax: 40399,
		Users: "puredb", TLS: true, ReplyTimeout: 20 * time.Second, MaxSessions: 40,
	},
	{
		Name: "pyftpdlib", Package: "python3-pyftpdlib",
		Executable: "/usr/bin/python3",
		Port:       2170, PassiveMin: 40400, PassiveMax: 40499,
		Users: "own", TLS: true, ReplyTimeout: 10 * time.Second,
	},
}

// LookupServer finds a server by name.
func LookupServer(name string) (Server, bool) {
	for _, s := range Servers {
		if s.Name == name {
			return s, true
		}
	}
	return Server{}, false
}

// Profiles are the profiles every server runs under, in the order of the comparison.
var Profiles = []string{"rfc959-minimum", "rfc959", "modern", "secure"}

// The test user every server knows. The account is only reachable on loopback, and a system
// account gets no login shell; the password is not a secret.
const (
	TestUser     = "ftpconform"
	TestPassword = "interop-Secret-1"
)

//go:embed servers
var serverFiles embed.FS
