package refserver

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

// entry is one line of a listing.
type entry struct {
	name string
	info fs.FileInfo
}

// listPath reads what LIST, NLST and STAT show for v: the entries of a directory, or the file
// itself. isDir tells which.
func (s *session) listPath(v string) (entries []entry, isDir bool, err error) {
	fi, err := s.stat(v)
	if err != nil {
		return nil, false, err
	}
	if !fi.IsDir() {
		return []entry{{name: path.Base(v), info: fi}}, false, nil
	}
	f, err := s.fs.Open(rel(v))
	if err != nil {
		return nil, true, err
	}
	defer f.Close()
	des, err := f.ReadDir(-1)
	if err != nil {
		return nil, true, err
	}
	sort.Slice(des, func(i, j int) bool { return des[i].Name() < des[j].Name() })
	for _, d := range des {
		info, err := d.Info()
		if err != nil {
			continue // removed meanwhile
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			// Show what a link inside the root leads to; a link that leaves it stays a link.
			if target, err := s.fs.Stat(rel(path.Join(v, d.Name()))); err == nil {
				info = target
			}
		}
		entries = append(entries, entry{name: d.Name(), info: info})
	}
	return entries, true, nil
}

// lsLine formats an entry as "ls -l" does, which every FTP client parses.
func lsLine(e entry, now time.Time) string {
	fi := e.info
	mode := fi.Mode()
	kind := byte('-')
	switch {
	case mode.IsDir():
		kind = 'd'
	case mode&fs.ModeSymlink != 0:
		kind = 'l'
	}
	perm := []byte("rwxrwxrwx")
	for i := range perm {
		if mode.Perm()&(1<<uint(8-i)) == 0 {
			perm[i] = '-'
		}
	}
	mt := fi.ModTime().UTC()
	stamp := mt.Format("Jan _2 15:04")
	if d := now.Sub(mt); d > 180*24*time.Hour || d < -24*time.Hour {
		stamp = mt.Format("Jan _2  2006")
	}
	return fmt.Sprintf("%c%s %3d %-8s %-8s %12d %s %s", kind, perm, 1, "ftp", "ftp", fi.Size(), stamp, e.name)
}

// listArgs separates "ls" options ("-l", "-a", "-la"), which clients often send, from the path.
func listArgs(arg string) string {
	for {
		arg = strings.TrimLeft(arg, " ")
		if !strings.HasPrefix(arg, "-") {
			return arg
		}
		opt, rest, _ := strings.Cut(arg, " ")
		if strings.ContainsAny(opt, "/") {
			return arg
		}
		arg = rest
	}
}

// LIST (RFC 959 §4.1.3): 150, the "ls -l" lines, 226. A missing path is 450: LIST's §5.4 row
// has no 550.
func cmdLIST(s *session, arg string) { s.sendListing(arg, false) }

// NLST (RFC 959 §4.1.3): file names only, one a line.
func cmdNLST(s *session, arg string) { s.sendListing(arg, true) }

func (s *session) sendListing(arg string, namesOnly bool) {
	v := s.resolve(listArgs(arg))
	entries, _, err := s.listPath(v)
	if err != nil && s.srv.faults.has(faultListMissingEmpty) {
		entries, err = nil, nil
	}
	if err != nil {
		s.reply(codeFileBusy, "%s: %s.", v, describe(err))
		return
	}
	var b strings.Builder
	now := time.Now()
	for _, e := range entries {
		if namesOnly {
			b.WriteString(e.name)
		} else {
			b.WriteString(lsLine(e, now))
		}
		b.WriteByte('\n')
	}
	text := b.String()
	if !namesOnly && s.srv.faults.has(faultListEmpty) {
		text = ""
	}
	if namesOnly && s.srv.faults.has(faultNLSTLongForm) {
		text = ""
		for _, e := range entries {
			text += lsLine(e, now) + "\n"
		}
	}
	// A listing is text: it goes in TYPE A, or E when that is the type (RFC 959 §4.1.3).
	p := s.params
	if p.typ != typeEBCDIC && !s.srv.faults.has(faultListFollowsType) {
		p.typ, p.form = typeASCII, formNonPrint
	}
	s.startTransfer(v, int64(len(text)), "Here comes the directory listing.", func() string { return "Directory send OK." },
		func(x *transfer, conn io.ReadWriter) error {
			x.params = p
			return x.send(conn, strings.NewReader(text), 0)
		})
}

// STAT (RFC 959 §4.1.3): during a transfer, its progress (213); without an argument, the
// server's status (211); with one, a listing over the control connection: 212 for a
// directory, 213 for a file, 450 when it does not exist.
func cmdSTAT(s *session, arg string) {
	if s.transferActive() {
		x := s.xfer
		total := "unknown size"
		if x.size >= 0 {
			total = fmt.Sprintf("of %d", x.size)
		}
		s.reply(codeFileStatus, "Transfer in progress: %s %s, %d bytes %s, for %s.", x.cmd, x.path, x.bytes.Load(), total, time.Since(x.started).Round(time.Millisecond))
		return
	}
	if arg == "" {
		s.statusReply()
		return
	}
	if !s.loggedIn {
		s.reply(codeNotLoggedIn, "Please log in with USER and PASS first.")
		return
	}
	v := s.resolve(listArgs(arg))
	entries, isDir, err := s.listPath(v)
	if err != nil {
		s.reply(codeFileBusy, "%s: %s.", v, describe(err))
		return
	}
	now := time.Now()
	lines := []string{"Status of " + v + ":"}
	for _, e := range entries {
		lines = append(lines, lsLine(e, now))
	}
	lines = append(lines, "End of status.")
	if isDir {
		s.replyLines(codeDirStatus, lines...)
	} else {
		s.replyLines(codeFileStatus, lines...)
	}
}

// statusReply is STAT without argument: 211 with the session's state.
func (s *session) statusReply() {
	user := "not logged in"
	if s.loggedIn {
		user = "logged in as " + s.user.Name
	}
	s.mu.Lock()
	data := "no data connection"
	switch {
	case s.data.conn != nil:
		data = "data connection open (kept after the last transfer)"
	case s.data.ln != nil:
		data = "passive mode, listening on " + s.data.ln.Addr().String()
	case s.data.addr != nil:
		data = "active mode, will connect to " + s.data.addr.String()
	}
	s.mu.Unlock()
	s.replyLines(codeSystemStatus,
		"ftpconform reference server status:",
		"Connected from "+s.conn.RemoteAddr().String()+", "+user,
		"TYPE: "+s.params.typeName()+"; STRUcture: "+struName(s.params.stru)+"; MODE: "+modeName(s.params.mode),
		"Data: "+data,
		"End of status.")
}
