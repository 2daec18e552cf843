package refserver

import (
	"os"
	"path"
	"sort"
	"strings"
)

// PWD (RFC 959 §4.1.3) answers 257 with the quoted path (appendix II).
func cmdPWD(s *session, _ string) {
	s.reply(codePathCreated, "%s is the current directory.", quotePath(s.cwd))
}

// CWD (RFC 959 §4.1.1): 250, or 550 when the directory does not exist.
func cmdCWD(s *session, arg string) {
	v := s.resolve(arg)
	if !s.changeDir(v) {
		return
	}
	s.reply(codeFileActionOK, "Directory changed to %s.", v)
}

// CDUP (RFC 959 §4.1.1) is CWD to the parent; §5.4 gives it 200, not CWD's 250.
func cmdCDUP(s *session, _ string) {
	v := path.Dir(s.cwd)
	if !s.changeDir(v) {
		return
	}
	s.reply(codeOK, "Directory changed to %s.", v)
}

// changeDir moves to v, or answers 550 and returns false.
func (s *session) changeDir(v string) bool {
	fi, err := s.stat(v)
	switch {
	case err != nil:
		s.reply(codeFileUnavailable, "%s: %s.", v, describe(err))
		return false
	case !fi.IsDir():
		s.reply(codeFileUnavailable, "%s: Not a directory.", v)
		return false
	}
	s.cwd = v
	return true
}

// MKD (RFC 959 §4.1.3): 257 with the quoted path of the new directory; 550 when it cannot
// be made (its §5.4 row has no 553, so refused names get 550 too).
func cmdMKD(s *session, arg string) {
	v := s.resolve(arg)
	switch {
	case v == "/":
		s.reply(codeFileUnavailable, "/: File exists.")
	case s.writeDenied(v):
		s.reply(codeFileUnavailable, "%s: Permission denied.", v)
	case s.srv.policy.refusedName(path.Base(v)):
		s.reply(codeFileUnavailable, "%s: Directory name not allowed.", v)
	default:
		if err := s.fs.Mkdir(rel(v), 0o755); err != nil {
			s.reply(codeFileUnavailable, "%s: %s.", v, describe(err))
			return
		}
		s.reply(codePathCreated, "%s created.", quotePath(v))
	}
}

// RMD (RFC 959 §4.1.3): 250; 550 when it is not an empty directory or may not be removed.
func cmdRMD(s *session, arg string) {
	v := s.resolve(arg)
	if v == "/" {
		s.reply(codeFileUnavailable, "/: Cannot remove the root directory.")
		return
	}
	if s.writeDenied(v) {
		s.reply(codeFileUnavailable, "%s: Permission denied.", v)
		return
	}
	fi, err := s.fs.Lstat(rel(v))
	switch {
	case err != nil:
		s.reply(codeFileUnavailable, "%s: %s.", v, describe(err))
	case !fi.IsDir():
		s.reply(codeFileUnavailable, "%s: Not a directory.", v)
	case strings.HasPrefix(s.cwd+"/", v+"/"):
		s.reply(codeFileUnavailable, "%s: Is the current directory or above it.", v)
	default:
		if err := s.fs.Remove(rel(v)); err != nil {
			s.reply(codeFileUnavailable, "%s: %s.", v, describe(err))
			return
		}
		s.reply(codeFileActionOK, "Directory %s removed.", v)
	}
}

// SMNT (RFC 959 §4.1.1) mounts a configured file system: 250; 550 for an unknown one; 502 when
// none is configured. "SMNT ~" returns to the home. Login and transfer parameters stay.
func cmdSMNT(s *session, arg string) {
	if arg == "~" {
		fs, err := s.srv.root.OpenRoot(rel(s.home))
		if err != nil {
			s.reply(codeFileUnavailable, "~: %s.", describe(err))
			return
		}
		s.setFS(fs, true, "")
		s.reply(codeFileActionOK, "Home file system mounted.")
		return
	}
	dir, ok := s.srv.mounts[arg]
	if !ok {
		var names []string
		for n := range s.srv.mounts {
			names = append(names, n)
		}
		sort.Strings(names)
		s.reply(codeFileUnavailable, "%s: no such file system (known: %s, ~).", sanitizeName(arg), strings.Join(names, ", "))
		return
	}
	fs, err := os.OpenRoot(dir)
	if err != nil {
		s.log.Warn("cannot open mount", "mount", arg, "err", err)
		s.reply(codeFileUnavailable, "%s: cannot mount.", sanitizeName(arg))
		return
	}
	s.setFS(fs, false, arg)
	s.reply(codeFileActionOK, "%s mounted.", sanitizeName(arg))
}
