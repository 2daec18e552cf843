package harness

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
)

func init() {
	// Every gomega failure inside a scenario carries the requirement it checks.
	gomega.RegisterFailHandler(func(message string, callerSkip ...int) {
		skip := 1
		if len(callerSkip) > 0 {
			skip += callerSkip[0]
		}
		ginkgo.Fail(withRequirement(message), skip)
	})
}

// registered maps each scenario ID to where it was declared. Ginkgo builds the tree more than
// once (PreviewSpecs, then RunSpecs), so the same ID from the same place is no duplicate.
var (
	registeredMu sync.Mutex
	registered   = map[string]declaration{}
)

type declaration struct {
	spec  Spec
	where string
}

// Declared returns the Spec declared with this ID, once ginkgo has built the tree (RunSpecs or
// PreviewSpecs): the runner uses it for scenarios it lists or explains without running them.
func Declared(id string) (Spec, bool) {
	registeredMu.Lock()
	defer registeredMu.Unlock()
	d, ok := registered[id]
	return d.spec, ok
}

// Scenario declares one conformance scenario as a ginkgo It. The spec is checked against the
// project's vocabulary (vocabulary.go) while the tree is built: a mistake stops the run before
// anything is sent to a server.
func Scenario(spec Spec, body func(s *S)) bool {
	_, file, line, _ := runtime.Caller(1)
	where := fmt.Sprintf("%s:%d", file, line)
	if err := spec.Validate(); err != nil {
		panic(fmt.Sprintf("scenario %s (%s): %v", spec.ID, where, err))
	}
	registeredMu.Lock()
	if prev, dup := registered[spec.ID]; dup && prev.where != where {
		registeredMu.Unlock()
		panic(fmt.Sprintf("scenario ID %s is declared twice: %s and %s", spec.ID, prev.where, where))
	}
	registered[spec.ID] = declaration{spec: spec, where: where}
	registeredMu.Unlock()

	args := []any{ginkgo.Label(spec.Labels()...)}
	if spec.Serial || spec.FailsLogins {
		args = append(args, ginkgo.Serial)
	}
	args = append(args, ginkgo.Offset(1), func() { run(spec, body) })
	ginkgo.It(spec.ID+": "+spec.Title, args...)
	return true
}

// S is a running scenario: its settings, its connections, its scratch directory and its record.
type S struct {
	Spec      Spec
	Settings  Settings
	rec       *recorder
	deadline  time.Time
	conns     []*Conn
	scratches []*scratch
	outside   []outsidePath // names PathIn gave out
	watched   bool          // the feature's first command has been answered (watchFeature)
	// featureUnsure: neither FEAT nor a probe could tell whether Spec.Feature is offered, so
	// the scenario's first command of it decides (watchFeature).
	featureUnsure bool
	cleanups      []func()
}

// current is the scenario running in this process; ginkgo runs one spec at a time per process.
var current *S

// Current returns the running scenario, for helpers that are not handed one.
func CurrentScenario() *S { return current }

func run(spec Spec, body func(s *S)) {
	s := &S{Spec: spec, Settings: Current, rec: newRecorder()}
	s.deadline = time.Now().Add(s.budget())
	current = s
	ginkgo.AddReportEntry(EntrySpec, spec, ginkgo.ReportEntryVisibilityNever)
	ginkgo.DeferCleanup(s.finish)

	if spec.Writes && s.Settings.ReadOnly {
		ginkgo.Skip("read-only run: this scenario writes on the target")
	}
	if spec.Condition != "" {
		s.Condition(spec.Condition)
	}
	if spec.Feature != "" {
		s.Require(spec.Feature)
	}
	if spec.Level == Must {
		body(s)
	} else if err := gomega.InterceptGomegaFailure(func() { body(s) }); err != nil {
		s.deviation(spec.Level, spec.Section, err.Error())
	}
	s.judgeFindings()
}

// budget is the scenario's whole time: several replies' worth, more for scenarios that wait on
// purpose. Every wait inside a scenario is cut at this deadline, so no server can hang a run.
func (s *S) budget() time.Duration {
	per := s.replyTimeout()
	return max(12*per, 60*time.Second)
}

// ReplyTimeout is the wait for one reply in this scenario (longer for Slow scenarios).
func (s *S) ReplyTimeout() time.Duration { return s.replyTimeout() }

func (s *S) replyTimeout() time.Duration {
	t := s.Settings.ReplyTimeout
	if t <= 0 {
		t = DefaultReplyTimeout
	}
	if s.Spec.Slow {
		// Real servers delay the answer to a wrong password: 10 s and more (pure-ftpd: ~11 s).
		t = max(3*t, 30*time.Second)
	}
	return t
}

// Deadline is when the scenario's time runs out.
func (s *S) Deadline() time.Time { return s.deadline }

// Note adds a remark of the scenario's own to the transcript.
func (s *S) Note(format string, args ...any) { s.rec.note(0, format, args...) }

// Defer registers a cleanup to run when the scenario ends, before connections close.
func (s *S) Defer(f func()) { s.cleanups = append(s.cleanups, f) }

// Prefer is the SHOULD-level half of a check where the RFC allows several replies: the scenario
// has accepted r at the MUST level; this records a warning (a failure with --strict) when r is
// not the best one, naming the code it saw.
func (s *S) Prefer(r Reply, best ...int) {
	for _, b := range best {
		if r.Code == b {
			return
		}
	}
	s.deviation(Should, s.Spec.Section, fmt.Sprintf("the server answered %s; %s is allowed, but %s is preferred", r, codeOf(r), codesOr(best)))
}

// Should records a SHOULD-level finding when ok is false.
func (s *S) Should(ok bool, section, format string, args ...any) {
	if !ok {
		s.deviation(Should, section, fmt.Sprintf(format, args...))
	}
}

func codeOf(r Reply) string { return fmt.Sprintf("%03d", r.Code) }

// deviation records a SHOULD or MAY finding; with --strict it fails the scenario at once.
func (s *S) deviation(level Level, section, msg string) {
	s.rec.finding(Finding{Level: level, Section: section, Message: msg})
	if s.Settings.Strict && level == Should {
		ginkgo.Fail(withRequirement("(strict mode: SHOULD deviations fail)\n"+msg), 2)
	}
}

// GeneralRulesFailure starts the failure message of a scenario failed only by the general rules
// (rules.go), not by its own checks: the mutation run tells the two apart by it.
const GeneralRulesFailure = "a reply broke the general rules every reply must follow:"

// judgeFindings fails the scenario for any MUST-level general rule that a reply broke, and in
// strict mode for SHOULD-level ones too.
func (s *S) judgeFindings() {
	_, findings, _ := s.rec.snapshot()
	var must []string
	for _, f := range findings {
		if f.Level == Must || (s.Settings.Strict && f.Level == Should) {
			must = append(must, fmt.Sprintf("RFC %s (%s): %s", sectionText(f.Section), f.Level, f.Message))
		}
	}
	if len(must) > 0 {
		ginkgo.Fail(GeneralRulesFailure+"\n"+strings.Join(must, "\n"), 1)
	}
}

// finish runs after the body, whatever happened: cleanups, scratch removal, connections closed,
// and the record attached to the report.
func (s *S) finish() {
	defer func() { current = nil }()
	for i := len(s.cleanups) - 1; i >= 0; i-- {
		s.cleanups[i]()
	}
	for _, c := range s.conns {
		c.Close()
	}
	for _, sc := range s.scratches {
		sc.remove(s)
	}
	s.removeOutside()
	transcript, findings, steps := s.rec.snapshot()
	ginkgo.AddReportEntry(EntryTranscript, transcript, ginkgo.ReportEntryVisibilityFailureOrVerbose)
	if len(findings) > 0 {
		ginkgo.AddReportEntry(EntryFindings, findings, ginkgo.ReportEntryVisibilityFailureOrVerbose)
	}
	ginkgo.AddReportEntry(EntryReplies, steps, ginkgo.ReportEntryVisibilityNever)
}

// withRequirement prefixes a failure message with the requirement the running scenario checks:
// the section, the level and the quoted sentence, so that a failure says which rule was broken.
func withRequirement(message string) string {
	s := current
	if s == nil {
		return message
	}
	return fmt.Sprintf("%s\nRFC %s (%s): %q\n\n%s", s.Spec.Title, sectionText(s.Spec.Section), s.Spec.Level, s.Spec.Quote, message)
}

// sectionText turns "959:4.1.3" into "959 §4.1.3".
func sectionText(section string) string {
	doc, id, ok := strings.Cut(section, ":")
	if !ok {
		return section
	}
	if doc == "deflate" {
		doc = "draft-preston-ftpext-deflate"
	}
	for _, kind := range []string{"appendix-", "annex-"} {
		if n, ok := strings.CutPrefix(id, kind); ok {
			return doc + " " + strings.ToUpper(kind[:1]) + kind[1:len(kind)-1] + " " + n
		}
	}
	return doc + " §" + id
}

// Dial opens a control connection to the main target and checks its greeting (220, or 120 then
// 220: RFC 959 §5.4). It fails the scenario if the target does not answer.
func (s *S) Dial() *Conn { return s.DialTarget(s.Settings.Target) }

// DialTarget is Dial for another endpoint (a condition's own server).
func (s *S) DialTarget(t Target) *Conn {
	c, greeting, err := s.Connect(t)
	if err != nil {
		ginkgo.Fail(withRequirement(err.Error()), 1)
	}
	last := greeting[len(greeting)-1]
	if last.Code != 220 {
		ginkgo.Fail(withRequirement(fmt.Sprintf("the greeting was %s; RFC 959 §5.4 expects 220 (after an optional 120)", last)), 1)
	}
	return c
}

// Connect opens a control connection and returns the greeting replies unjudged, for scenarios
// about the greeting itself.
func (s *S) Connect(t Target) (*Conn, []Reply, error) {
	c, greeting, err := dialConn(t, len(s.conns)+1, s.rec, s.replyTimeout(), s.deadline)
	if err != nil {
		return nil, greeting, err
	}
	c.scenario = s
	s.conns = append(s.conns, c)
	if t.TLS == TLSExplicit && greeting[len(greeting)-1].Code == 220 { // not after a 421 greeting
		if err := c.StartTLS(); err != nil {
			return nil, greeting, err
		}
	}
	return c, greeting, nil
}

// housekeeper opens one of the harness's own connections (feature probes, scratch directories):
// marked before the greeting, so that nothing said on it counts as the scenario's own findings
// or reply steps, and logged in unless login is false.
func (s *S) housekeeper(t Target, login bool) (*Conn, error) {
	s.rec.housekeeping(len(s.conns) + 1)
	c, greeting, err := s.Connect(t)
	if err != nil {
		return nil, err
	}
	c.housekeeping = true
	if last := greeting[len(greeting)-1]; last.Code != 220 {
		c.Close()
		return nil, fmt.Errorf("the greeting was %s", last)
	}
	if login {
		if err := c.Login(t.User, t.Password, ""); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// mustHousekeeper is housekeeper for steps the scenario cannot do without.
func (s *S) mustHousekeeper(t Target, login bool) *Conn {
	c, err := s.housekeeper(t, login)
	if err != nil {
		ginkgo.Fail(withRequirement(err.Error()), 2)
	}
	return c
}

// Login opens a control connection and logs in as the target's user.
func (s *S) Login() *Conn {
	t := s.Settings.Target
	return s.LoginAs(t, t.User, t.Password, "")
}

// LoginAs logs in on a new connection to t with the given user, password and (if the server
// asks with 332) account. It fails the scenario unless the login completes with 230.
func (s *S) LoginAs(t Target, user, password, account string) *Conn {
	c := s.DialTarget(t)
	if err := c.Login(user, password, account); err != nil {
		ginkgo.Fail(withRequirement(err.Error()), 1)
	}
	return c
}

// ErrLoginRefused is a login the target refused with 530 ("Not logged in", RFC 959 §4.2.2) to
// USER, PASS or ACCT: the credentials are wrong, or the account is not let in. The runner
// stops on it at once.
var ErrLoginRefused = errors.New("the target refused the login")

// Login runs USER, PASS and, if asked, ACCT (RFC 959 §6 login diagram).
func (c *Conn) Login(user, password, account string) error {
	if c.sec.auto && !c.tls && c.target.TLS == TLSExplicit {
		// A connection the run protects (--tls explicit) that is in the clear again (after
		// REIN, RFC 4217 §13) logs in over TLS, as it did the first time.
		if err := c.StartTLS(); err != nil {
			return err
		}
	}
	r, err := c.TryCmd("USER %s", user)
	if err != nil {
		return err
	}
	if r.Code == 331 || r.Code == 332 {
		if r.Code == 331 {
			if r, err = c.TryCmd("PASS %s", password); err != nil {
				return err
			}
		}
		if r.Code == 332 {
			if account == "" {
				return fmt.Errorf("login as %s: the server asks for an account (332) and none is configured", user)
			}
			if r, err = c.TryCmd("ACCT %s", account); err != nil {
				return err
			}
		}
	}
	if r.Code != 230 && r.Code != 202 {
		err := fmt.Errorf("login as %s failed: %s (to %s)", user, r, maskSecret(r.Command))
		if r.Code == 530 {
			err = fmt.Errorf("%w: %w", ErrLoginRefused, err)
		}
		return err
	}
	c.protectAfterLogin() // PBSZ 0, PROT P under --tls (tls.go)
	return nil
}
