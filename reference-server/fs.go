package refserver

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"
	"syscall"
)

// Paths: a client names files with paths relative to its working directory or absolute in its
// view, where "/" is its home (or the SMNT mount). resolve turns them into a clean absolute
// "virtual" path; rel turns that into the relative name os.Root takes. os.Root then refuses
// every escape from the home, through ".." or symbolic links alike.

// rel turns a clean absolute virtual path into the relative form os.Root wants.
func rel(v string) string {
	if v == "/" {
		return "."
	}
	return strings.TrimPrefix(v, "/")
}

// resolve makes a client's path absolute and clean against the working directory. path.Clean
// never climbs above "/".
func (s *session) resolve(arg string) string {
	if strings.HasPrefix(arg, "/") {
		return path.Clean(arg)
	}
	return path.Clean(path.Join(s.cwd, arg))
}

// rootPath is the Root-relative path of a virtual path, which the policies use; "" on a mount,
// where they do not apply.
func (s *session) rootPath(v string) string {
	if !s.fsHome {
		return ""
	}
	return path.Join(s.home, v)
}

// policy holds the path-based conditions of the configuration.
type policy struct {
	readOnly    []string
	busy        map[string]bool
	ioError     map[string]bool
	unknownPage map[string]bool
	refused     []string
}

func newPolicy(c *Config) policy {
	set := func(paths []string) map[string]bool {
		m := map[string]bool{}
		for _, p := range paths {
			m[cleanPolicyPath(p)] = true
		}
		return m
	}
	p := policy{
		busy:        set(c.BusyPaths),
		ioError:     set(c.IOErrorPaths),
		unknownPage: set(c.UnknownPageTypePaths),
		refused:     c.RefusedNames,
	}
	for _, d := range c.ReadOnlyPaths {
		p.readOnly = append(p.readOnly, cleanPolicyPath(d))
	}
	return p
}

// underReadOnly reports whether a Root-relative path is in a read-only directory.
func (p policy) underReadOnly(rp string) bool {
	if rp == "" {
		return false
	}
	for _, d := range p.readOnly {
		if rp == d || d == "/" || strings.HasPrefix(rp, d+"/") {
			return true
		}
	}
	return false
}

// refusedName reports whether the file-name policy refuses a name.
func (p policy) refusedName(name string) bool {
	for _, pat := range p.refused {
		if ok, _ := path.Match(pat, name); ok {
			return true
		}
	}
	return false
}

// writeDenied reports whether the user may not change v.
func (s *session) writeDenied(v string) bool {
	return s.srv.cfg.ReadOnly || s.user == nil || s.user.ReadOnly || s.srv.policy.underReadOnly(s.rootPath(v))
}

// busyFiles tracks the files uploads are writing, for BusyWhileWriting.
type busyFiles struct {
	mu      sync.Mutex
	writing map[string]int
}

// busyKey names a file across sessions and file systems.
func (s *session) busyKey(v string) string {
	if s.fsHome {
		return "root:" + s.rootPath(v)
	}
	return "mount:" + s.mount + ":" + v
}

// fileBusy reports whether v is busy: configured so, or being written by an upload.
func (s *session) fileBusy(v string) bool {
	if s.srv.policy.busy[s.rootPath(v)] {
		return true
	}
	if !s.srv.cfg.BusyWhileWriting {
		return false
	}
	b := &s.srv.busy
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.writing[s.busyKey(v)] > 0
}

// markWriting records that an upload writes v, until release is called.
func (s *session) markWriting(v string) (release func()) {
	key := s.busyKey(v)
	b := &s.srv.busy
	b.mu.Lock()
	if b.writing == nil {
		b.writing = map[string]int{}
	}
	b.writing[key]++
	b.mu.Unlock()
	return func() {
		b.mu.Lock()
		if b.writing[key]--; b.writing[key] <= 0 {
			delete(b.writing, key)
		}
		b.mu.Unlock()
	}
}

// usage sums the sizes of the regular files under dir of root.
func usage(root *os.Root, dir string) (int64, error) {
	var total int64
	err := fs.WalkDir(root.FS(), dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			fi, err := d.Info()
			if err == nil {
				total += fi.Size()
			}
		}
		return nil
	})
	return total, err
}

// describe turns a file system error into reply text that names no host path.
func describe(err error) string {
	switch {
	case errors.Is(err, syscall.ENOTEMPTY): // before ErrExist, which it also matches
		return "Directory not empty"
	case errors.Is(err, fs.ErrNotExist):
		return "No such file or directory"
	case errors.Is(err, fs.ErrExist):
		return "File exists"
	case errors.Is(err, fs.ErrPermission):
		return "Permission denied"
	case errors.Is(err, syscall.ENOTDIR):
		return "Not a directory"
	case errors.Is(err, syscall.EISDIR):
		return "Is a directory"
	case errors.Is(err, syscall.ENOSPC):
		return "No space left on device"
	case strings.Contains(err.Error(), "escapes"):
		return "No such file or directory"
	default:
		return "Operation failed"
	}
}

// stat stats a virtual path on the mounted file system, following links that stay inside it.
func (s *session) stat(v string) (fs.FileInfo, error) { return s.fs.Stat(rel(v)) }
