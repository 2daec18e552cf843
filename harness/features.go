package harness

import (
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"

	"github.com/onsi/ginkgo/v2"
)

// Feature is something beyond RFC 959 §5.1's minimum implementation that a target may or may
// not offer. A scenario that needs one learns first whether the target offers it: from FEAT
// (RFC 2389) where the feature has a FEAT keyword, else from the reply to Probe. A feature not
// offered skips the scenario, unless the profile requires it: then the scenario fails.
type Feature struct {
	Name     string // label-safe: "MODE-B"
	Section  string // where it is defined: "959:3.4.2"
	Minimum  bool   // part of RFC 959 §5.1's minimum: required in every profile
	Optional bool   // optional in every profile (MODE Z, LPRT/LPSV, STRU P)
	// May1123: RFC 1123 §4.1.5 makes it a MAY (STRU R: "required for host with
	// record-structured file system, optional otherwise"), so it is optional in the profiles that
	// include RFC 1123.
	May1123 bool
	FEAT    string // the FEAT line keyword announcing it, if any
	Probe   string // a harmless command line; see probeVerdict for how its reply is read
	// ArgOmitted: the probe leaves out an argument the command requires, so 501 says the
	// command is there, and 500 says nothing (some servers use it for a missing argument).
	ArgOmitted bool
	Reset      string // restores the default after the probe ("MODE S")
	PreLogin   bool   // probe before logging in (HOST)
}

// Doc is the RFC that defines the feature.
func (f Feature) Doc() string { d, _, _ := strings.Cut(f.Section, ":"); return d }

var features = []Feature{
	// RFC 959 commands outside the §5.1 minimum: a bare verb draws 501 if implemented.
	{Name: "CWD", Section: "959:4.1.1", Probe: "CWD ."},
	{Name: "CDUP", Section: "959:4.1.1", Probe: "CDUP"},
	{Name: "SMNT", Section: "959:4.1.1", May1123: true, Probe: "SMNT", ArgOmitted: true},
	{Name: "REIN", Section: "959:4.1.1", May1123: true, Probe: "REIN"},
	{Name: "PASV", Section: "959:4.1.2", Probe: "PASV"},
	{Name: "STOU", Section: "959:4.1.3", May1123: true},
	{Name: "APPE", Section: "959:4.1.3", Probe: "APPE", ArgOmitted: true},
	{Name: "ALLO", Section: "959:4.1.3", May1123: true, Probe: "ALLO 0"},
	{Name: "REST", Section: "959:4.1.3", May1123: true, Probe: "REST 0"},
	{Name: "RNFR", Section: "959:4.1.3", Probe: "RNFR", ArgOmitted: true},
	{Name: "ABOR", Section: "959:4.1.3", May1123: true, Probe: "ABOR"},
	{Name: "DELE", Section: "959:4.1.3", Probe: "DELE", ArgOmitted: true},
	{Name: "RMD", Section: "959:4.1.3", Probe: "RMD", ArgOmitted: true},
	{Name: "MKD", Section: "959:4.1.3", Probe: "MKD", ArgOmitted: true},
	{Name: "PWD", Section: "959:4.1.3", Probe: "PWD"},
	{Name: "LIST", Section: "959:4.1.3"},
	{Name: "NLST", Section: "959:4.1.3"},
	{Name: "SITE", Section: "959:4.1.3", May1123: true, Probe: "SITE HELP"},
	{Name: "SYST", Section: "959:4.1.3", Probe: "SYST"},
	{Name: "STAT", Section: "959:4.1.3", Probe: "STAT"},
	{Name: "HELP", Section: "959:4.1.3", Probe: "HELP"},
	// RFC 959 parameters beyond the minimum.
	{Name: "TYPE-E", Section: "959:3.1.1.2", May1123: true, Probe: "TYPE E", Reset: "TYPE A"},
	{Name: "TYPE-L8", Section: "959:3.1.1.4", Probe: "TYPE L 8", Reset: "TYPE A"},
	{Name: "STRU-R", Section: "959:3.1.2.2", Minimum: true, May1123: true, Probe: "STRU R", Reset: "STRU F"},
	{Name: "STRU-P", Section: "959:3.1.2.3", Optional: true, Probe: "STRU P", Reset: "STRU F"},
	{Name: "MODE-B", Section: "959:3.4.2", May1123: true, Probe: "MODE B", Reset: "MODE S"},
	{Name: "MODE-C", Section: "959:3.4.3", May1123: true, Probe: "MODE C", Reset: "MODE S"},
	// Extensions.
	{Name: "FEAT", Section: "2389:3", Probe: "FEAT"},
	{Name: "OPTS", Section: "2389:4", Probe: "OPTS", ArgOmitted: true},
	{Name: "EPRT", Section: "2428:2", FEAT: "EPRT", Probe: "EPRT", ArgOmitted: true},
	{Name: "EPSV", Section: "2428:3", FEAT: "EPSV", Probe: "EPSV"},
	{Name: "LANG", Section: "2640:4.1", FEAT: "LANG"},
	{Name: "UTF8", Section: "2640:3.2", FEAT: "UTF8"},
	{Name: "MDTM", Section: "3659:3", FEAT: "MDTM", Probe: "MDTM", ArgOmitted: true},
	{Name: "SIZE", Section: "3659:4", FEAT: "SIZE", Probe: "SIZE", ArgOmitted: true},
	{Name: "REST-STREAM", Section: "3659:5", FEAT: "REST STREAM"},
	{Name: "TVFS", Section: "3659:6", FEAT: "TVFS"},
	{Name: "MLST", Section: "3659:7", FEAT: "MLST", Probe: "MLST"},
	{Name: "HOST", Section: "7151:3", FEAT: "HOST", PreLogin: true},
	{Name: "AUTH-TLS", Section: "4217:4", FEAT: "AUTH TLS"},
	{Name: "PBSZ", Section: "4217:9", FEAT: "PBSZ"},
	{Name: "PROT", Section: "4217:9", FEAT: "PROT"},
	{Name: "CCC", Section: "4217:5", FEAT: "CCC", Optional: true},
	{Name: "LPRT", Section: "1639:2", Optional: true, Probe: "LPRT", ArgOmitted: true},
	{Name: "LPSV", Section: "1639:3", Optional: true, Probe: "LPSV"},
	{Name: "MODE-Z", Section: "deflate:3.4", Optional: true, FEAT: "MODE Z", Probe: "MODE Z", Reset: "MODE S"},
}

// LookupFeature finds a feature by name.
func LookupFeature(name string) (Feature, bool) {
	i := slices.IndexFunc(features, func(f Feature) bool { return f.Name == name })
	if i < 0 {
		return Feature{}, false
	}
	return features[i], true
}

// Features lists every feature the suite knows.
func Features() []Feature { return slices.Clone(features) }

// profileDocs are the RFCs whose scenarios each profile runs (RFC 1639 and the MODE Z draft run
// with the modern ones, as optional features).
var profileDocs = map[Profile][]string{
	ProfileMinimum: {"959"},
	ProfileRFC959:  {"959"},
	ProfileModern:  {"959", "1123", "2389", "2428", "3659", "2640", "7151", "1639", "deflate"},
	ProfileSecure:  {"959", "1123", "2389", "2428", "3659", "2640", "7151", "1639", "deflate", "2228", "4217", "2577"},
}

// Docs lists the RFCs whose scenarios the profile runs.
func (p Profile) Docs() []string { return slices.Clone(profileDocs[p]) }

// Requires reports whether a conformant target must offer f under the profile.
func (p Profile) Requires(f Feature) bool {
	if f.Optional || !slices.Contains(profileDocs[p], f.Doc()) {
		return false
	}
	switch p {
	case ProfileMinimum:
		return f.Minimum
	case ProfileModern, ProfileSecure:
		return !f.May1123
	}
	return true
}

// RunFilter is the ginkgo label filter that selects the scenarios a run's settings call for.
func RunFilter(s Settings) string {
	p := s.Profile
	if p == "" {
		p = ProfileModern
	}
	filter := fmt.Sprintf("rfc: containsAny {%s}", strings.Join(profileDocs[p], ", "))
	if s.ReadOnly {
		filter += " && !writes"
	}
	return filter
}

// offers caches what each target offers: targets do not change their mind within a run.
var offers = struct {
	sync.Mutex
	feat  map[string][]string // target address → FEAT lines (nil: FEAT not answered 211)
	probe map[string]Reply    // target address + feature → probe reply
}{feat: map[string][]string{}, probe: map[string]Reply{}}

// Require skips the scenario when the target does not offer the feature and the profile allows
// that, and fails it when the profile requires the feature.
func (s *S) Require(name string) {
	f, ok := LookupFeature(name)
	if !ok {
		ginkgo.Fail(fmt.Sprintf("internal error: unknown feature %q", name), 1)
	}
	if ip := net.ParseIP(s.Settings.Target.Host); f.Name == "PASV" && ip != nil && ip.To4() == nil {
		ginkgo.Skip("PASV cannot name an IPv6 address (RFC 2428 §1); the target is IPv6", 1)
	}
	offered, why := s.offered(f)
	if offered {
		return
	}
	s.notOffered(f, why)
}

// Offered is for features without a safe probe (STOU, LIST…): the scenario sends the command and
// hands the reply here; 500, 502 and 504 mean "not offered" (skipped or failed by profile).
func (s *S) Offered(name string, r Reply) {
	f, ok := LookupFeature(name)
	if !ok {
		ginkgo.Fail(fmt.Sprintf("internal error: unknown feature %q", name), 1)
	}
	if notImplemented(r.Code) {
		s.notOffered(f, fmt.Sprintf("%s answered %s", r.Command, r))
	}
}

// Declined skips the scenario when the target answered the command it checks with one of the
// refusals given (4yz codes of the command's §5.4 row that mean "not now, not here", such as
// 450, 451, 452): §5.4 lets a server decline so (ProFTPD answers APPE "451 Append/Restart not
// permitted" unless configured otherwise), and the rule cannot be checked on a declined action.
// A data connection failure (425, 426) is no such refusal and is left to the scenario.
func (s *S) Declined(r Reply, refusals ...int) {
	if slices.Contains(refusals, r.Code) {
		ginkgo.Skip(fmt.Sprintf("declined: %s answered %s (a transient negative reply, which RFC 959 §5.4 allows), so the rule could not be checked", r.Command, r), 1)
	}
}

func (s *S) notOffered(f Feature, why string) {
	if s.Settings.Profile.Requires(f) {
		ginkgo.Fail(withRequirement(fmt.Sprintf("profile %s requires %s (RFC %s), but the target does not offer it: %s",
			s.Settings.Profile, f.Name, sectionText(f.Section), why)), 2)
	}
	reason := fmt.Sprintf("optional in profile %s", s.Settings.Profile)
	switch {
	case f.May1123 && slices.Contains(s.Settings.Profile.Docs(), "1123"):
		reason = "a MAY of RFC 1123 §4.1.5"
	case f.Doc() == "959" && !f.Minimum:
		reason = "allowed by RFC 959 §5.1"
	}
	ginkgo.Skip(fmt.Sprintf("not offered: %s (%s; %s)", f.Name, why, reason), 2)
}

func notImplemented(code int) bool { return code == 500 || code == 502 || code == 504 }

// offered asks FEAT first, then the probe command, caching both per target.
func (s *S) offered(f Feature) (bool, string) {
	t := s.Settings.Target
	if f.FEAT != "" {
		lines := s.featLines(t)
		for _, l := range lines {
			kw := strings.ToUpper(strings.TrimSpace(l))
			if kw == f.FEAT || strings.HasPrefix(kw, f.FEAT+" ") || strings.HasPrefix(kw, f.FEAT+";") {
				return true, "listed by FEAT"
			}
		}
		if f.Probe == "" {
			return false, "FEAT does not list " + f.FEAT
		}
	}
	if f.Probe == "" {
		s.featureUnsure = s.featureUnsure || f.Name == s.Spec.Feature
		return true, "" // the scenario's own command decides (watchFeature, Offered)
	}
	key := t.Addr() + " " + f.Name
	offers.Lock()
	r, seen := offers.probe[key]
	offers.Unlock()
	if seen {
		s.Note("%s: the probe %q drew %s earlier in this run", f.Name, f.Probe, r)
	} else {
		c := s.mustHousekeeper(t, !f.PreLogin)
		r = c.Cmd("%s", f.Probe)
		if f.Reset != "" && r.Class() == 2 {
			c.Cmd("%s", f.Reset)
		}
		c.quit()
		offers.Lock()
		offers.probe[key] = r
		offers.Unlock()
	}
	switch probeVerdict(f, r.Code) {
	case refused:
		return false, fmt.Sprintf("%q answered %s", f.Probe, r)
	case unclear:
		s.featureUnsure = s.featureUnsure || f.Name == s.Spec.Feature
		s.Note("%s: the probe %q drew %s, which does not tell; the scenario's own %s decides", f.Name, f.Probe, r, f.verb())
	}
	return true, ""
}

type verdict int

const (
	offeredVerdict verdict = iota
	refused
	unclear
)

// probeVerdict reads a probe's reply. 502 (not implemented) and 504 (not for that parameter)
// refuse. 500 (not recognised) refuses, except where the probe omits a required argument: some
// servers answer a missing argument with 500. 501 refuses a parameter (MODE Z answered 501 is a
// mode the server does not know); to any other probe (a bare verb, ALLO 0, SITE HELP) it shows
// the command is there. Everything else shows the feature is there.
func probeVerdict(f Feature, code int) verdict {
	switch code {
	case 502:
		return refused
	case 500, 504:
		// 504, "not implemented for that parameter", says the command itself exists.
		if f.ArgOmitted {
			return unclear
		}
		return refused
	case 501:
		if strings.Contains(f.verb(), " ") {
			return refused // MODE Z, TYPE E…: a parameter the server does not know
		}
	}
	return offeredVerdict
}

// verb is the command whose replies tell whether the feature is there: "MODE B" for MODE-B.
func (f Feature) verb() string {
	if f.Probe == "" {
		return f.Name
	}
	if v, arg, ok := strings.Cut(f.Probe, " "); ok && (v == "MODE" || v == "TYPE" || v == "STRU") {
		return v + " " + arg
	}
	v, _, _ := strings.Cut(f.Probe, " ")
	return v
}

// watchFeature checks the first reply a scenario gets to its feature's own command: where the
// probe could not tell (or there is none, as for STOU and LIST), a 500 or 502 there means the
// feature is not offered, and the scenario is skipped or failed as Require would have.
func (s *S) watchFeature(p *pending, r Reply) {
	f, ok := LookupFeature(s.Spec.Feature)
	if !ok || s.watched || !s.featureUnsure {
		return // FEAT or the probe already told
	}
	verb := f.verb()
	line := strings.ToUpper(strings.TrimSpace(p.verb + " " + p.arg))
	if line != verb && !strings.HasPrefix(line, verb+" ") {
		return
	}
	s.watched = true
	if r.Code == 500 || r.Code == 502 || (strings.Contains(verb, " ") && (r.Code == 501 || r.Code == 504)) {
		s.notOffered(f, fmt.Sprintf("%s answered %s", p.line, r))
	}
}

// featLines returns the target's FEAT feature lines (RFC 2389 §3), asking once per target.
func (s *S) featLines(t Target) []string {
	offers.Lock()
	lines, seen := offers.feat[t.Addr()]
	offers.Unlock()
	if seen {
		return lines
	}
	c := s.mustHousekeeper(t, true)
	r := c.Cmd("FEAT")
	c.quit()
	if r.Code == 211 && len(r.Lines) > 2 {
		lines = r.Lines[1 : len(r.Lines)-1]
	}
	offers.Lock()
	offers.feat[t.Addr()] = lines
	offers.Unlock()
	return lines
}

// Condition returns the target's description of a condition, with its endpoint resolved, or
// skips the scenario when the target config does not provide it.
func (s *S) Condition(name ConditionName) ResolvedCondition {
	var c Condition
	ok := false
	if tc := s.Settings.TargetConfig; tc != nil {
		c, ok = tc.Conditions[name]
	}
	if !ok {
		ginkgo.Skip(fmt.Sprintf("condition not provided: %s (describe it in --target-config)", name), 1)
	}
	rc := ResolvedCondition{Condition: c, Target: s.Settings.Target}
	if c.Target != "" {
		t, err := ParseTarget(c.Target)
		if err != nil {
			ginkgo.Fail(fmt.Sprintf("condition %s: %v", name, err), 1)
		}
		t.TLS = s.Settings.Target.TLS
		rc.Target = t
	}
	if c.User != "" {
		rc.Target.User, rc.Target.Password = c.User, c.Password
	}
	return rc
}

// ResolvedCondition is a Condition with the endpoint and credentials to use.
type ResolvedCondition struct {
	Condition
	Target Target
}
