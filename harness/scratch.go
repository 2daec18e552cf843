package harness

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
)

// ScratchPrefix starts the name of everything the suite creates in a target's scratch root, so
// that a person (or --cleanup) can recognise it.
const ScratchPrefix = "ftpconform-"

// scratch is a scenario's own directory on one target: the only place it may write.
type scratch struct {
	target Target
	dir    string // absolute path on the server
	prefix string // set instead of a directory when the server has no MKD: names start with it
}

// writeVerbs change the server's file tree; the harness lets them name only paths inside the
// scenario's scratch directory.
var writeVerbs = []string{"STOR", "STOU", "APPE", "DELE", "RMD", "XRMD", "MKD", "XMKD", "RNFR", "RNTO", "SITE", "MFMT", "MFCT", "MFF"}

// Scratch returns the scenario's scratch directory on the main target, creating it on first use
// under the target's scratch root with a unique name. It is removed when the scenario ends.
func (s *S) Scratch() string { return s.scratchOn(s.Settings.Target).dir }

// Path names a file inside the scratch directory. On a server without MKD (the RFC 959 §5.1
// minimum) it is a unique name in the scratch root instead.
func (s *S) Path(name string) string { return s.scratchOn(s.Settings.Target).path(name) }

// PathIn names a new file in a directory outside the scratch area that a condition points at
// (a read-only directory, for instance): a unique name with the suite's prefix, so that the write
// guard lets the scenario try to create it and the cleanup removes it if the server let it.
func (s *S) PathIn(t Target, dir, name string) string {
	p := path.Join(dir, ScratchPrefix+strings.ToLower(s.Spec.ID)+"-"+randomHex(4)+"-"+name)
	s.outside = append(s.outside, outsidePath{target: t, path: p})
	return p
}

// outsidePath is a name PathIn handed out.
type outsidePath struct {
	target Target
	path   string
}

// removeOutside deletes what PathIn names the server created after all.
func (s *S) removeOutside() {
	for _, o := range s.outside {
		c, err := s.housekeeper(o.target, true)
		if err != nil {
			s.Note("could not check %s: %v", o.path, err)
			continue
		}
		if r, err := c.TryCmd("DELE %s", o.path); err == nil && r.Class() != 2 {
			c.TryCmd("RMD %s", o.path)
		}
		c.quit()
	}
}

// ScratchOn is Scratch on another endpoint (a condition's own server).
func (s *S) ScratchOn(t Target) string { return s.scratchOn(t).dir }

// PathOn is Path on another endpoint.
func (s *S) PathOn(t Target, name string) string { return s.scratchOn(t).path(name) }

func (sc *scratch) path(name string) string {
	if sc.prefix != "" {
		return path.Join(sc.dir, sc.prefix+name)
	}
	return path.Join(sc.dir, name)
}

func (s *S) scratchOn(t Target) *scratch {
	if sc := s.scratchFor(t); sc != nil {
		return sc
	}
	if s.Settings.ReadOnly {
		ginkgo.Fail("internal error: a scenario not marked Writes asked for a scratch directory in a read-only run", 1)
	}
	if !s.Spec.Writes {
		ginkgo.Fail(fmt.Sprintf("internal error: scenario %s writes but is not marked Writes", s.Spec.ID), 1)
	}
	c := s.mustHousekeeper(t, true)
	name := ScratchPrefix + strings.ToLower(s.Spec.ID) + "-" + randomHex(4)
	sc := &scratch{target: t, dir: path.Join(t.Scratch, name)}
	r := c.Cmd("MKD %s", sc.dir)
	c.quit() // one session less while the scenario runs; removal opens its own
	switch {
	case r.Code == 257:
	case r.Code == 500 || r.Code == 502:
		// No MKD: work in the scratch root with unique names (RFC 959 §5.1 minimum).
		sc.prefix, sc.dir = name+"-", t.Scratch
		s.Note("the server has no MKD; files go to %s with the prefix %s", sc.dir, sc.prefix)
	default:
		ginkgo.Fail(fmt.Sprintf("cannot create the scratch directory %s under the scratch root %s: %s\n(give a writable SCRATCH path in the target URL)", sc.dir, t.Scratch, r), 1)
	}
	s.scratches = append(s.scratches, sc)
	return sc
}

func (s *S) scratchFor(t Target) *scratch {
	for _, sc := range s.scratches {
		if sc.target == t {
			return sc
		}
	}
	return nil
}

// inside reports whether p (absolute, clean) is within the scratch area.
func (sc *scratch) inside(p string) bool {
	if sc.prefix != "" {
		return path.Dir(p) == sc.dir && strings.HasPrefix(path.Base(p), sc.prefix)
	}
	return p == sc.dir || strings.HasPrefix(p, strings.TrimSuffix(sc.dir, "/")+"/")
}

// guard refuses a write outside the scenario's scratch directory, before it is sent. cwd is the
// connection's current directory as far as the harness knows ("" if unknown).
func (c *Conn) guard(verb, arg string) error {
	if c.housekeeping || !slices.Contains(writeVerbs, verb) {
		return nil
	}
	s := c.scenario
	if s == nil {
		return nil
	}
	if verb == "SITE" {
		word, rest, _ := strings.Cut(strings.TrimSpace(arg), " ")
		if !strings.EqualFold(word, "CHMOD") {
			return nil
		}
		_, arg, _ = strings.Cut(strings.TrimSpace(rest), " ")
	}
	if p := resolvePath(c.cwd, arg); p != "" && slices.ContainsFunc(s.outside, func(o outsidePath) bool { return o.target == c.target && o.path == p }) {
		return nil // a name PathIn gave out
	}
	sc := s.scratchFor(c.target)
	if sc == nil {
		return fmt.Errorf("refusing to send %s: the scenario has no scratch directory on %s, and the suite writes nowhere else", verb, c.target.Addr())
	}
	p := strings.TrimSpace(arg)
	if p == "" {
		if verb == "STOU" && c.cwd != "" && sc.inside(c.cwd) {
			return nil
		}
		if verb == "STOU" {
			return fmt.Errorf("refusing to send STOU: the current directory is not known to be inside the scratch directory %s; CWD there first", sc.dir)
		}
		return nil // no path: the server will answer 501; nothing is written
	}
	if !strings.HasPrefix(p, "/") {
		if c.cwd == "" {
			return fmt.Errorf("refusing to send %s %s: a relative path, and the current directory is unknown; CWD into the scratch directory first", verb, p)
		}
		p = path.Join(c.cwd, p)
	}
	if !sc.inside(path.Clean(p)) {
		return fmt.Errorf("refusing to send %s %s: outside the scenario's scratch directory %s", verb, arg, sc.dir)
	}
	return nil
}

// remove deletes the scratch directory and everything in it, never anything outside it.
func (sc *scratch) remove(s *S) {
	if sc.prefix != "" {
		s.Note("the server has no MKD; files named %s* in %s may remain", sc.prefix, sc.dir)
		return
	}
	c, err := s.housekeeper(sc.target, true)
	if err != nil {
		s.Note("could not clean up %s: %v", sc.dir, err)
		return
	}
	if left := removeTree(c, sc.dir, sc.dir, 0); len(left) > 0 {
		s.Note("could not remove from the target: %s", strings.Join(left, ", "))
	}
	c.quit()
}

// removeTree deletes dir's entries (files with DELE, directories recursively) and then dir.
// Every path it touches is checked to lie inside root. It returns what it could not remove.
func removeTree(c *Conn, root, dir string, depth int) (left []string) {
	if depth > 8 || !(dir == root || strings.HasPrefix(dir, root+"/")) {
		return []string{dir}
	}
	for _, name := range listNames(c, dir) {
		p := path.Join(dir, path.Base(name))
		if p == dir || !strings.HasPrefix(p, root+"/") {
			continue
		}
		if r, err := c.TryCmd("DELE %s", p); err != nil {
			return append(left, p)
		} else if r.Class() == 2 {
			continue
		}
		left = append(left, removeTree(c, root, p, depth+1)...)
	}
	if r, err := c.TryCmd("RMD %s", dir); err != nil || r.Class() != 2 {
		left = append(left, dir)
	}
	return left
}

// listNames is NLST over whichever passive kind works; it returns nil when listing fails.
func listNames(c *Conn, dir string) []string {
	for _, kind := range []DataKind{PASV, EPSV} {
		d, r, err := c.OpenData(kind)
		if err != nil || d == nil || r.Class() != 2 {
			continue
		}
		t, err := d.run("NLST "+dir, nil, false)
		d.Close()
		if err != nil || t.Final().Class() != 2 {
			return nil
		}
		var names []string
		for _, l := range strings.Split(string(t.Data), "\n") {
			if l = strings.TrimRight(l, "\r"); l != "" && l != "." && l != ".." {
				names = append(names, l)
			}
		}
		return names
	}
	return nil
}

// CleanupStale removes what interrupted earlier runs left in the target's scratch root: the
// directories whose names start with ScratchPrefix, and nothing else. It returns what it removed
// and what it could not.
func CleanupStale(t Target, timeout time.Duration) (removed, left []string, err error) {
	rec := newRecorder()
	c, _, err := dialConn(t, 1, rec, timeout, time.Time{})
	if err != nil {
		return nil, nil, err
	}
	defer c.Close()
	c.housekeeping = true
	if err := c.Login(t.User, t.Password, ""); err != nil {
		return nil, nil, err
	}
	for _, name := range listNames(c, t.Scratch) {
		base := path.Base(name)
		if !strings.HasPrefix(base, ScratchPrefix) {
			continue
		}
		dir := path.Join(t.Scratch, base)
		if r, err := c.TryCmd("DELE %s", dir); err == nil && r.Class() == 2 {
			removed = append(removed, dir) // a file left by a run without MKD
			continue
		}
		if l := removeTree(c, dir, dir, 0); len(l) > 0 {
			left = append(left, l...)
		} else {
			removed = append(removed, dir)
		}
	}
	c.quit()
	return removed, left, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
