package interop

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Env is where the interop run keeps its files and says what it does.
type Env struct {
	WorkDir string    // absolute: interop/work (git-ignored)
	Log     io.Writer // progress, one line per step
	// NoInstall: install nothing (no apt-get, no useradd); what is missing makes the server
	// NotAvailable. For tests.
	NoInstall bool
}

// RootDir is where an unpacked server's package lives ({{.Root}} in its templates); "/" for a
// server installed the usual way.
func (e Env) RootDir(s Server) string {
	if !s.Unpack {
		return "/"
	}
	return filepath.Join(e.WorkDir, "root", s.Name)
}

func (e Env) logf(format string, args ...any) {
	if e.Log != nil {
		fmt.Fprintf(e.Log, "interop: "+format+"\n", args...)
	}
}

// NotAvailable is an error that means "this server cannot run here": the run skips it with
// the message rather than failing.
type NotAvailable struct{ Why string }

func (n *NotAvailable) Error() string { return n.Why }

func notAvailable(format string, args ...any) error {
	return &NotAvailable{fmt.Sprintf(format, args...)}
}

// installDeadline bounds everything Install does for one server.
const installDeadline = 10 * time.Minute

// apt serialises apt-get and dpkg, which lock the package database.
var apt sync.Mutex

// Install makes the server runnable: its package unpacked (or installed), the libraries it links
// installed, its test user created. It returns the package version. Whatever cannot be done
// (not root, no apt-get, a package that will not download) is a *NotAvailable error.
func (e Env) Install(ctx context.Context, s Server) (version string, err error) {
	// No step may hang the run: apt-get on a slow mirror gets 10 minutes in all.
	ctx, cancel := context.WithTimeout(ctx, installDeadline)
	defer cancel()
	if s.Unpack {
		version, err = e.unpack(ctx, s)
	} else {
		version, err = e.installPackages(ctx, s.Package)
	}
	if err != nil {
		return "", err
	}
	if _, err := e.installPackages(ctx, s.Libraries...); err != nil {
		return "", err
	}
	exe := filepath.Join(e.RootDir(s), s.Executable)
	if _, err := os.Stat(exe); err != nil {
		return "", notAvailable("%s: %s is missing after installing %s", s.Name, exe, s.Package)
	}
	if missing := missingLibraries(ctx, exe); len(missing) > 0 {
		return "", notAvailable("%s: %s links libraries that are not installed: %s", s.Name, exe, strings.Join(missing, ", "))
	}
	if s.Users == "system" || s.Users == "puredb" {
		if err := e.ensureSystemUser(ctx); err != nil {
			return "", err
		}
	}
	return version, nil
}

// unpack fetches the server's package (and its Extra packages) with `apt-get download` and
// unpacks them with `dpkg-deb -x` under RootDir, once; the main package's version is kept
// beside it, with the list of packages unpacked.
func (e Env) unpack(ctx context.Context, s Server) (string, error) {
	root := e.RootDir(s)
	versionFile := root + ".version"
	pkgs := append([]string{s.Package}, s.Extra...)
	if b, err := os.ReadFile(versionFile); err == nil {
		version, list, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
		if _, err := os.Stat(filepath.Join(root, s.Executable)); err == nil && list == strings.Join(pkgs, " ") {
			return version, nil
		}
	}
	if err := e.canInstall(); err != nil {
		return "", notAvailable("%s: cannot fetch %s: %v", s.Name, strings.Join(pkgs, ", "), err)
	}
	debs := filepath.Join(e.WorkDir, "debs")
	if err := os.MkdirAll(debs, 0o755); err != nil {
		return "", err
	}
	e.logf("%s: apt-get download %s", s.Name, strings.Join(pkgs, " "))
	apt.Lock()
	// As root, apt's download sandbox user (_apt) could not write into the project's folder.
	download := append([]string{"apt-get", "-q", "-o", "APT::Sandbox::User=root", "download"}, pkgs...)
	out, err := runIn(ctx, debs, download...)
	if err != nil {
		// A fresh machine may have no package lists yet.
		e.logf("%s: apt-get download failed; apt-get update, then again", s.Name)
		if _, uerr := runIn(ctx, "", "apt-get", "-q", "update"); uerr == nil {
			out, err = runIn(ctx, debs, download...)
		}
	}
	apt.Unlock()
	if err != nil {
		return "", notAvailable("%s: apt-get download %s failed: %s", s.Name, strings.Join(pkgs, " "), lastLine(out))
	}
	if err := os.RemoveAll(root); err != nil {
		return "", err
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	var version string
	for i, pkg := range pkgs {
		matches, _ := filepath.Glob(filepath.Join(debs, pkg+"_*.deb"))
		if len(matches) == 0 {
			return "", notAvailable("%s: apt-get download left no %s_*.deb in %s", s.Name, pkg, debs)
		}
		slices.Sort(matches)
		deb := matches[len(matches)-1]
		if out, err := runIn(ctx, "", "dpkg-deb", "-x", deb, root); err != nil {
			return "", notAvailable("%s: dpkg-deb -x %s: %s", s.Name, deb, lastLine(out))
		}
		if i == 0 {
			v, err := runIn(ctx, "", "dpkg-deb", "-f", deb, "Version")
			if err != nil {
				return "", notAvailable("%s: dpkg-deb -f %s: %s", s.Name, deb, lastLine(v))
			}
			version = strings.TrimSpace(v)
		}
	}
	if err := os.WriteFile(versionFile, []byte(version+"\n"+strings.Join(pkgs, " ")+"\n"), 0o644); err != nil {
		return "", err
	}
	e.logf("%s: unpacked %s %s into %s", s.Name, strings.Join(pkgs, ", "), version, root)
	return version, nil
}

// installPackages installs the Debian packages that are not installed yet and returns the
// version of the first one.
func (e Env) installPackages(ctx context.Context, pkgs ...string) (string, error) {
	var missing []string
	for _, p := range pkgs {
		if packageVersion(ctx, p) == "" {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		if err := e.canInstall(); err != nil {
			return "", notAvailable("cannot install %s: %v", strings.Join(missing, " "), err)
		}
		e.logf("apt-get install %s", strings.Join(missing, " "))
		apt.Lock()
		install := append([]string{"apt-get", "install", "-y", "-q", "--no-install-recommends"}, missing...)
		out, err := runIn(ctx, "", install...)
		if err != nil {
			if _, uerr := runIn(ctx, "", "apt-get", "-q", "update"); uerr == nil {
				out, err = runIn(ctx, "", install...)
			}
		}
		apt.Unlock()
		if err != nil {
			return "", notAvailable("apt-get install %s failed: %s", strings.Join(missing, " "), lastLine(out))
		}
	}
	if len(pkgs) == 0 {
		return "", nil
	}
	return packageVersion(ctx, pkgs[0]), nil
}

// packageVersion is the installed version of a Debian package, or "".
func packageVersion(ctx context.Context, pkg string) string {
	out, err := runIn(ctx, "", "dpkg-query", "-W", "-f", "${db:Status-Status} ${Version}", pkg)
	if err != nil {
		return ""
	}
	status, version, _ := strings.Cut(strings.TrimSpace(out), " ")
	if status != "installed" {
		return ""
	}
	return version
}

// canInstall says why packages cannot be installed here, or nil.
func (e Env) canInstall() error {
	if e.NoInstall {
		return errors.New("installing is switched off")
	}
	if os.Geteuid() != 0 {
		return errors.New("installing needs root (run make interop as root, or install the packages first)")
	}
	for _, tool := range []string{"apt-get", "dpkg-deb", "dpkg-query"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s not found: not a Debian system?", tool)
		}
	}
	return nil
}

// missingLibraries lists the shared libraries ldd cannot find for exe (none when ldd is absent
// or exe is a script).
func missingLibraries(ctx context.Context, exe string) []string {
	out, err := runIn(ctx, "", "ldd", exe)
	if err != nil {
		return nil
	}
	var missing []string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "not found") {
			name, _, _ := strings.Cut(strings.TrimSpace(line), " ")
			missing = append(missing, name)
		}
	}
	return missing
}

// systemUser is the Unix account of TestUser: its uid and gid.
type systemUser struct{ UID, GID int }

// ensureSystemUser creates TestUser as a Unix account without a login shell and sets its
// password. Its home is work/home (vsftpd changes into it before its local_root); each server
// jails it in a scratch home of its own.
func (e Env) ensureSystemUser(ctx context.Context) error {
	home := filepath.Join(e.WorkDir, "home")
	u, err := user.Lookup(TestUser)
	if err != nil {
		if os.Geteuid() != 0 || e.NoInstall {
			return notAvailable("the Unix account %q does not exist (make interop creates it, as root)", TestUser)
		}
		e.logf("useradd %s (no login shell, home %s)", TestUser, home)
		out, err := runIn(ctx, "", "useradd", "--user-group", "--no-create-home",
			"--home-dir", home, "--shell", "/usr/sbin/nologin", TestUser)
		if err != nil {
			return notAvailable("useradd %s failed: %s", TestUser, lastLine(out))
		}
	}
	if os.Geteuid() != 0 || e.NoInstall {
		return nil // the password cannot be checked or set; a login failure will tell
	}
	if u != nil && u.HomeDir != home {
		if out, err := runIn(ctx, "", "usermod", "--home", home, TestUser); err != nil {
			return notAvailable("usermod --home %s %s failed: %s", home, TestUser, lastLine(out))
		}
	}
	su, err := lookupSystemUser()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(home, 0o755); err != nil {
		return err
	}
	if err := os.Chown(home, su.UID, su.GID); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "chpasswd")
	cmd.Stdin = strings.NewReader(TestUser + ":" + TestPassword + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		return notAvailable("chpasswd for %s failed: %s", TestUser, lastLine(string(out)))
	}
	return nil
}

func lookupSystemUser() (systemUser, error) {
	u, err := user.Lookup(TestUser)
	if err != nil {
		return systemUser{}, err
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err := errors.Join(err1, err2); err != nil {
		return systemUser{}, err
	}
	return systemUser{uid, gid}, nil
}

// runIn runs a command in dir ("" for the current one) and returns its combined output.
func runIn(ctx context.Context, dir string, argv ...string) (string, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive", "LC_ALL=C")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// lastLine is the last non-empty line of a command's output, for one-line error messages.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
