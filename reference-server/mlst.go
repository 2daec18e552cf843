package refserver

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// RFC 3659 §7: MLST and MLSD, listings for machine processing. An entry is
// "fact=value;fact=value; pathname": the facts the client chose with OPTS MLST (or the default
// ones), one space, and the name. MLST sends one entry over the control connection, indented by
// one space; MLSD sends an entry a line over the data connection.

// mlstFact is one fact the server supplies.
type mlstFact struct {
	name  string // as FEAT and OPTS MLST spell it; compared case-insensitively
	deflt bool   // returned until OPTS MLST chooses otherwise
	value func(s *session, e mlsEntry) (string, bool)
}

// mlstFacts are the facts of RFC 3659 §7.5 this server supplies: the five §7.5.10 asks for,
// and the Unix permission bits (§7.5, "UNIX.mode"), on request only. create is left out (Unix
// does not record it, §7.5.4), and so are lang, media-type and charset, which a server "MUST
// NOT guess" (§7.5.6, §7.5.8); names are UTF-8, charset's default.
var mlstFacts = []mlstFact{
	{"type", true, factType},
	{"size", true, factSize},
	{"modify", true, factModify},
	{"perm", true, factPerm},
	{"unique", true, factUnique},
	{"UNIX.mode", false, factUnixMode},
}

// mlsEntry is a file or directory to describe.
type mlsEntry struct {
	v    string      // virtual path
	info fs.FileInfo // what it is (a symbolic link that leaves the root stays a link)
	cdir bool        // the directory an MLSD lists (type=cdir)
}

func factType(_ *session, e mlsEntry) (string, bool) {
	m := e.info.Mode()
	switch {
	case e.cdir:
		return "cdir", true
	case m.IsDir():
		return "dir", true
	case m.IsRegular():
		return "file", true
	case m&fs.ModeSymlink != 0:
		return "OS.unix=symlink", true // §7.5.1.5
	default:
		return "OS.unix=special", true
	}
}

func factSize(_ *session, e mlsEntry) (string, bool) {
	if !e.info.Mode().IsRegular() {
		return "", false // §7.5.7: "applies to non-directory file types"
	}
	return fmt.Sprint(e.info.Size()), true
}

func factModify(_ *session, e mlsEntry) (string, bool) {
	return e.info.ModTime().UTC().Format("20060102150405"), true // §2.3 time-val, UTC
}

// factPerm synthesizes the §7.5.5 indicators from the mode bits and the server's write policy,
// in alphabetical order (the order carries no meaning).
func factPerm(s *session, e mlsEntry) (string, bool) {
	m := e.info.Mode()
	writable := !s.writeDenied(e.v)
	var on string
	switch {
	case m.IsDir():
		if writable && m&0o200 != 0 {
			on += "cmp" // create files, make directories, purge
		}
		if writable && e.v != "/" {
			on += "df" // delete, rename
		}
		if m&0o500 == 0o500 {
			on += "el" // enter, list
		}
	case m.IsRegular():
		if writable && m&0o200 != 0 {
			on += "aw" // append, store
		}
		if writable {
			on += "df"
		}
		if m&0o400 != 0 {
			on += "r" // retrieve
		}
	case writable:
		on += "df"
	}
	var p []byte
	for _, c := range []byte("acdeflmprw") {
		if strings.IndexByte(on, c) >= 0 {
			p = append(p, c)
		}
	}
	return string(p), true
}

func factUnique(_ *session, e mlsEntry) (string, bool) { return uniqueID(e.info) }

func factUnixMode(_ *session, e mlsEntry) (string, bool) {
	return fmt.Sprintf("0%o", e.info.Mode().Perm()), true
}

// chosenFacts are the facts MLST and MLSD return in this session.
func (s *session) chosenFacts() []mlstFact {
	var out []mlstFact
	for _, f := range mlstFacts {
		if s.ext.mlstChosen && !s.srv.faults.has(faultOptsMLSTIgnored) {
			if containsFold(s.ext.mlstFacts, f.name) {
				out = append(out, f)
			}
		} else if f.deflt {
			out = append(out, f)
		}
	}
	return out
}

// entryLine formats an entry: the facts, each followed by ";", then one space and the name.
func (s *session) entryLine(e mlsEntry, name string) string {
	var b strings.Builder
	for _, f := range s.chosenFacts() {
		if v, ok := f.value(s, e); ok {
			b.WriteString(f.name + "=" + v + ";")
		}
	}
	facts := b.String()
	if s.srv.faults.has(faultMLSTFactUnterminated) {
		facts = strings.TrimSuffix(facts, ";")
	}
	return facts + " " + name
}

// mlstFeatLine is the MLST feature line (RFC 3659 §7.8): every fact, "*" marking those that
// MLST returns now.
func mlstFeatLine(s *session) string {
	chosen := s.chosenFacts()
	if s.srv.faults.has(faultFeatMLSTStatic) {
		saved := s.ext
		s.ext = extState{}
		chosen = s.chosenFacts()
		s.ext = saved
	}
	var b strings.Builder
	b.WriteString("MLST ")
	for _, f := range mlstFacts {
		b.WriteString(f.name)
		for _, c := range chosen {
			if c.name == f.name {
				b.WriteByte('*')
			}
		}
		b.WriteByte(';')
	}
	return b.String()
}

// OPTS MLST [fact;fact;...] (RFC 3659 §7.9): chooses the facts; unknown ones are left out, which
// is no error; a space inside the list is (501), and leaves the choice as it was.
func optsMLST(s *session, options string) {
	if strings.ContainsAny(options, " \t") && !s.srv.faults.has(faultOptsMLSTLenient) {
		s.reply(codeBadArguments, "Invalid MLST options: facts are fact;fact; without spaces.")
		return
	}
	var chosen []string
	for _, name := range strings.Split(options, ";") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		known := false
		for _, f := range mlstFacts {
			if strings.EqualFold(f.name, name) {
				known = true
				if !containsFold(chosen, f.name) {
					chosen = append(chosen, f.name)
				}
			}
		}
		if !known && s.srv.faults.has(faultOptsMLSTUnknown501) {
			s.reply(codeBadArguments, "Invalid MLST options: %s is not supported.", sanitizeName(name))
			return
		}
	}
	s.ext.mlstFacts, s.ext.mlstChosen = chosen, true
	var b strings.Builder
	for _, f := range s.chosenFacts() {
		b.WriteString(f.name + ";")
	}
	if b.Len() == 0 {
		s.reply(codeOK, "MLST OPTS")
		return
	}
	s.reply(codeOK, "MLST OPTS %s", b.String())
}

// MLST [path] (RFC 3659 §7): 250 with one entry, over the control connection. The name is the
// fully qualified pathname (TVFS, §7.3.1); without an argument it is the current directory.
func cmdMLST(s *session, arg string) {
	v := s.cwd
	if arg != "" {
		v = s.resolve(arg)
	}
	fi, err := s.stat(v)
	if err != nil {
		s.reply(codeFileUnavailable, "%s: %s.", v, describe(err))
		return
	}
	if strings.ContainsAny(v, "\r\n") {
		s.reply(codeFileUnavailable, "This name cannot be shown on the control connection.")
		return
	}
	name := v
	switch {
	case arg == "" && s.srv.faults.has(faultMLSTNoArgEmpty):
		name = ""
	case s.srv.faults.has(faultMLSTBasename):
		name = path.Base(v)
	}
	e := mlsEntry{v: v, info: fi}
	if fi.IsDir() && s.srv.faults.has(faultMLSTDirAsFile) {
		e.info = fileInfoAs{fi}
	}
	s.replyLines(codeFileActionOK, "Listing "+printableName(v), " "+s.entryLine(e, name), "End")
}

// MLSD [dir] (RFC 3659 §7): the entries of a directory over the data connection, as if TYPE L 8,
// MODE S and STRU F were set (§7.2), but compressed in MODE Z; 501 for a file, 550 for what does
// not exist.
func cmdMLSD(s *session, arg string) {
	v := s.cwd
	switch {
	case arg != "":
		v = s.resolve(arg)
	case s.srv.faults.has(faultMLSDNoArgRoot):
		v = "/"
	}
	fi, err := s.stat(v)
	if err != nil {
		s.reply(codeFileUnavailable, "%s: %s.", v, describe(err))
		return
	}
	if !fi.IsDir() && !s.srv.faults.has(faultMLSDListsFile) {
		s.reply(codeBadArguments, "%s: Not a directory (MLSD lists directories; use MLST).", v)
		return
	}
	entries, isDir, err := s.listPath(v)
	if err != nil {
		s.reply(codeFileUnavailable, "%s: %s.", v, describe(err))
		return
	}
	var lines []string
	withType := false
	for _, f := range s.chosenFacts() {
		withType = withType || f.name == "type"
	}
	// The cdir entry names the listed directory; without the type fact it would read as an
	// entry of the directory, so it is sent only with it (§7.5.1.2).
	if isDir && !strings.ContainsAny(v, "\r\n") && (withType || s.srv.faults.has(faultMLSDCdirAlways)) {
		lines = append(lines, s.entryLine(mlsEntry{v: v, info: fi, cdir: true}, v))
	}
	for _, e := range entries {
		if strings.ContainsAny(e.name, "\r\n") {
			continue // a data connection cannot carry such a name (§2.2)
		}
		ev := v
		if isDir {
			ev = path.Join(v, e.name)
		}
		lines = append(lines, s.entryLine(mlsEntry{v: ev, info: e.info}, e.name))
	}
	var b strings.Builder
	for _, l := range lines {
		if s.srv.faults.has(faultMLSDLeadingSpace) {
			b.WriteByte(' ')
		}
		b.WriteString(l + "\r\n")
	}
	text := b.String()
	p := xferParams{typ: typeImage, form: formNonPrint, stru: struFile, mode: modeStream}
	if s.params.mode == modeDeflate {
		// MODE Z compresses "all data transfers" (deflate draft §3.1), MLSD's too: it changes
		// the bytes on the wire, not the listing's form. lftp expects it.
		p.mode, p.level = modeDeflate, s.params.level
	}
	if s.srv.faults.has(faultMLSDUsesType) {
		p = s.params
	}
	s.startTransfer(v, int64(len(text)), "Here comes the MLSD listing.", func() string { return "MLSD complete." },
		func(x *transfer, conn io.ReadWriter) error {
			x.params = p
			return x.send(conn, strings.NewReader(text), 0)
		})
}

// fileInfoAs makes a directory look like a plain file (for a fault).
type fileInfoAs struct{ fs.FileInfo }

func (f fileInfoAs) Mode() fs.FileMode { return f.FileInfo.Mode() &^ fs.ModeDir }
func (f fileInfoAs) IsDir() bool       { return false }

// containsFold reports whether list holds s, ignoring case.
func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
