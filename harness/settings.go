package harness

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// Settings are the choices of one run. They are made once from flags (by cmd/ftpconform or by
// suites_test.go) and reach worker processes as JSON in SettingsEnv, so flags have one parser.
type Settings struct {
	Target       Target        `json:"target"`
	TargetConfig *TargetConfig `json:"target_config,omitempty"`
	ReplyTimeout time.Duration `json:"reply_timeout"` // deadline for every reply as a whole
	Profile      Profile       `json:"profile"`
	Strict       bool          `json:"strict"`    // SHOULD failures fail the run
	ReadOnly     bool          `json:"read_only"` // run only scenarios that write nothing
	Active       bool          `json:"active"`    // default data connections are PORT/EPRT, not PASV/EPSV
	MaxSessions  int           `json:"max_sessions"`
	// SlotDir holds the lock files that enforce MaxSessions across worker processes; the
	// runner creates it. Empty: no cap.
	SlotDir string `json:"slot_dir,omitempty"`
}

// SettingsEnv carries Settings from the parent process to its workers.
const SettingsEnv = "FTPCONFORM_SETTINGS"

// TargetEnv may hold the target URL instead of --target.
const TargetEnv = "FTPCONFORM_TARGET"

// DefaultReplyTimeout is the deadline for one reply unless --timeout says otherwise.
const DefaultReplyTimeout = 10 * time.Second

// Current holds the settings of this process. Scenarios read it through their *S.
var Current = Settings{ReplyTimeout: DefaultReplyTimeout, Profile: ProfileModern}

// Flags binds the suite's flags to a FlagSet. Call Settings() after parsing.
type Flags struct {
	target, targetConfig, tls, profile string
	timeout                            time.Duration
	strict, readOnly, active           bool
	maxSessions                        int
}

// RegisterFlags adds the suite's flags to fs.
func RegisterFlags(fs *flag.FlagSet) *Flags {
	f := &Flags{}
	fs.StringVar(&f.target, "target", "", "server under test: ftp://USER:PASS@HOST:PORT/SCRATCH (or $"+TargetEnv+"); empty: the embedded reference server")
	fs.StringVar(&f.targetConfig, "target-config", "", "JSON file describing the target's special conditions (users, paths, endpoints)")
	fs.StringVar(&f.tls, "tls", "", "protect the control connection: explicit (AUTH TLS) or implicit")
	fs.StringVar(&f.profile, "profile", string(ProfileModern), "conformance profile: "+strings.Join(profileNames(), ", "))
	fs.DurationVar(&f.timeout, "timeout", DefaultReplyTimeout, "deadline for each reply of the server")
	fs.BoolVar(&f.strict, "strict", false, "fail the run on SHOULD-level deviations, not only MUST")
	fs.BoolVar(&f.readOnly, "read-only", false, "run only scenarios that write nothing on the target")
	fs.BoolVar(&f.active, "active", false, "use active data connections (PORT/EPRT) where a scenario does not choose")
	fs.IntVar(&f.maxSessions, "max-sessions", 0, "cap on concurrent control connections to the target (0: no cap)")
	return f
}

// Settings validates the parsed flags. Its errors are one line, meant for a person.
func (f *Flags) Settings() (Settings, error) {
	s := Settings{ReplyTimeout: f.timeout, Strict: f.strict, ReadOnly: f.readOnly, Active: f.active, MaxSessions: f.maxSessions}
	raw := f.target
	if raw == "" {
		raw = os.Getenv(TargetEnv)
	}
	if raw != "" {
		t, err := ParseTarget(raw)
		if err != nil {
			return s, err
		}
		s.Target = t
	}
	switch TLSMode(f.tls) {
	case TLSNone:
	case TLSExplicit, TLSImplicit:
		if s.Target.TLS == TLSImplicit && TLSMode(f.tls) == TLSExplicit {
			return s, errors.New("--tls explicit contradicts the ftps:// target, which is implicit TLS")
		}
		s.Target.TLS = TLSMode(f.tls)
	default:
		return s, fmt.Errorf("--tls %q: expected explicit or implicit", f.tls)
	}
	p, err := ParseProfile(f.profile)
	if err != nil {
		return s, err
	}
	s.Profile = p
	if f.timeout <= 0 {
		return s, fmt.Errorf("--timeout %v: must be positive", f.timeout)
	}
	if f.maxSessions < 0 {
		return s, fmt.Errorf("--max-sessions %d: must not be negative", f.maxSessions)
	}
	if f.targetConfig != "" {
		tc, err := LoadTargetConfig(f.targetConfig)
		if err != nil {
			return s, err
		}
		s.TargetConfig = tc
	}
	return s, nil
}

// HasTarget reports whether a target was given; without one the embedded server is used.
func (s Settings) HasTarget() bool { return s.Target.Host != "" }

// Export encodes the settings for SettingsEnv.
func (s Settings) Export() string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // Settings holds only plain data
	}
	return string(b)
}

// ImportSettings reads SettingsEnv into Current, if set. It returns whether it was set.
func ImportSettings() (bool, error) {
	v := os.Getenv(SettingsEnv)
	if v == "" {
		return false, nil
	}
	var s Settings
	if err := json.Unmarshal([]byte(v), &s); err != nil {
		return true, fmt.Errorf("%s: %v", SettingsEnv, err)
	}
	Current = s
	return true, nil
}

// Profile names what a target must offer to be conformant (see profiles.go).
type Profile string

const (
	ProfileMinimum Profile = "rfc959-minimum" // RFC 959 §5.1 minimum implementation
	ProfileRFC959  Profile = "rfc959"         // everything in RFC 959
	ProfileModern  Profile = "modern"         // 959 + 1123 + 2389 + 2428 + 3659 + 2640 + 7151
	ProfileSecure  Profile = "secure"         // modern + 2228/4217 + 2577
)

var profiles = []Profile{ProfileMinimum, ProfileRFC959, ProfileModern, ProfileSecure}

func profileNames() []string {
	var out []string
	for _, p := range profiles {
		out = append(out, string(p))
	}
	return out
}

// ParseProfile accepts one of the profile names.
func ParseProfile(s string) (Profile, error) {
	if slices.Contains(profiles, Profile(s)) {
		return Profile(s), nil
	}
	return "", fmt.Errorf("--profile %q: expected one of %s", s, strings.Join(profileNames(), ", "))
}
