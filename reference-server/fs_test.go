package refserver

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestPaths(t *testing.T) {
	s := &session{cwd: "/a/b", fsHome: true, home: "/homes/u"}
	for in, want := range map[string]string{
		"c": "/a/b/c", "../c": "/a/c", "/x/./y/": "/x/y", "../../../..": "/", "/..": "/", ".": "/a/b", "c/../../d": "/a/d",
	} {
		if got := s.resolve(in); got != want {
			t.Errorf("resolve(%q) = %q, want %q", in, got, want)
		}
	}
	if rel("/") != "." || rel("/a/b") != "a/b" {
		t.Error("rel")
	}
	if got := s.rootPath("/x"); got != "/homes/u/x" {
		t.Errorf("rootPath %q", got)
	}
	s.fsHome = false
	if s.rootPath("/x") != "" {
		t.Error("policies apply on a mount")
	}
}

func TestPolicy(t *testing.T) {
	p := newPolicy(&Config{ReadOnlyPaths: []string{"ro", "/a/b/"}, RefusedNames: []string{"*.exe", "con"}, BusyPaths: []string{"busy"}})
	for rp, want := range map[string]bool{"/ro": true, "/ro/x": true, "/rox": false, "/a/b/c": true, "/a": false, "": false} {
		if got := p.underReadOnly(rp); got != want {
			t.Errorf("underReadOnly(%q) = %v", rp, got)
		}
	}
	for name, want := range map[string]bool{"x.exe": true, "con": true, "x.exe.txt": false, "console": false} {
		if got := p.refusedName(name); got != want {
			t.Errorf("refusedName(%q) = %v", name, got)
		}
	}
	if !p.busy["/busy"] {
		t.Error("busy paths are not cleaned")
	}
	if !newPolicy(&Config{ReadOnlyPaths: []string{"/"}}).underReadOnly("/anything") {
		t.Error("a read-only root")
	}
}

func TestUsage(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a"), make([]byte, 10), 0o644)
	os.MkdirAll(filepath.Join(dir, "d", "e"), 0o755)
	os.WriteFile(filepath.Join(dir, "d", "e", "b"), make([]byte, 5), 0o644)
	os.Symlink("a", filepath.Join(dir, "link")) // not counted twice
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	if n, err := usage(root, "."); n != 15 || err != nil {
		t.Fatalf("usage %d %v", n, err)
	}
	if n, _ := usage(root, "d"); n != 5 {
		t.Fatalf("usage of d %d", n)
	}
}

func TestDescribeNamesNoHostPath(t *testing.T) {
	for err, want := range map[error]string{
		fs.ErrNotExist:                         "No such file or directory",
		&fs.PathError{Err: fs.ErrExist}:        "File exists",
		syscall.ENOTEMPTY:                      "Directory not empty",
		syscall.EACCES:                         "Permission denied",
		errors.New("path escapes from parent"): "No such file or directory",
		errors.New("/secret/host/path: odd"):   "Operation failed",
	} {
		if got := describe(err); got != want {
			t.Errorf("describe(%v) = %q, want %q", err, got, want)
		}
	}
}
