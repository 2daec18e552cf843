package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
)

// A ConditionName is a server state that a client cannot create alone. Scenarios that need one
// run only where the target config describes it. The list is closed: an unknown name in a
// target config or in a scenario is an error.
type ConditionName string

// Conditions, each with the reply it makes reachable and the fields of Condition it uses.
const (
	CondStartDelay      ConditionName = "start-delay"      // 120 then 220 on connect. Target.
	CondAccountLogin    ConditionName = "account-login"    // 332 after PASS, ACCT completes login. User, Password, Account.
	CondAccountStore    ConditionName = "account-store"    // 532 on STOR until ACCT is given. User, Password, Account.
	CondDiskFull        ConditionName = "disk-full"        // 452 on STOR: the server has no room. Target or User.
	CondQuota           ConditionName = "quota"            // 552 on STOR beyond Limit bytes. User, Password, Limit.
	CondBusyFile        ConditionName = "busy-file"        // 450: a file being written cannot be read. Path (optional).
	CondRefusedName     ConditionName = "refused-name"     // 553 for a file name the server refuses. Name.
	CondReadOnlyDir     ConditionName = "read-only-dir"    // 550 on writes in Path.
	CondConnectionLimit ConditionName = "connection-limit" // 421 to the connection beyond Limit. Target, Limit.
	CondIdleTimeout     ConditionName = "idle-timeout"     // 421 after Seconds of silence. Target, Seconds.
	CondIOError         ConditionName = "io-error"         // 451 on a transfer of Path.
	CondPageStructure   ConditionName = "page-structure"   // STRU P offered; 551 for a file whose page type is unknown. Path.
	CondMount           ConditionName = "mount"            // SMNT Path answers 250.
	CondAnnounceOpen    ConditionName = "announce-open"    // 125 (not 150) when the passive data connection is already open. Target.
	CondKeepData        ConditionName = "keep-data"        // MODE B transfers keep the data connection open: 250/225, then 125. Target.
	CondLoginLimit      ConditionName = "login-limit"      // after Limit failed logins the server sends 421 and closes (RFC 2577 §5). Target, Limit.
	// FTP over TLS (RFC 4217 §10): policies a server may hold.
	CondTLSRequired     ConditionName = "tls-required"      // a login without TLS on the control connection is refused (530, or 534). Target.
	CondProtPrivate     ConditionName = "prot-private"      // transfers are refused unless PROT P is in force (521, or 534). Target.
	CondTLSSessionReuse ConditionName = "tls-session-reuse" // TLS on a data connection must resume the control connection's TLS session (522 otherwise). Target.
)

var conditionNames = []ConditionName{
	CondStartDelay, CondAccountLogin, CondAccountStore, CondDiskFull, CondQuota, CondBusyFile,
	CondRefusedName, CondReadOnlyDir, CondConnectionLimit, CondIdleTimeout, CondIOError,
	CondPageStructure, CondMount, CondAnnounceOpen, CondKeepData, CondLoginLimit,
	CondTLSRequired, CondProtPrivate, CondTLSSessionReuse,
}

// KnownCondition reports whether name is in the closed list.
func KnownCondition(name ConditionName) bool { return slices.Contains(conditionNames, name) }

// Condition describes where the target has a condition. Which fields matter depends on the
// condition (see the constants). Target, when set, is a separate endpoint as a URL with its
// own credentials; otherwise the main target is meant.
type Condition struct {
	Target   string `json:"target,omitempty"`
	User     string `json:"user,omitempty"`
	Password string `json:"password,omitempty"`
	Account  string `json:"account,omitempty"`
	Path     string `json:"path,omitempty"`
	Name     string `json:"name,omitempty"`
	Limit    int64  `json:"limit,omitempty"`
	Seconds  int    `json:"seconds,omitempty"`
}

// TargetConfig is the --target-config file: the conditions the target provides.
//
//	{"conditions": {"quota": {"user": "q", "password": "secret", "limit": 1024}}}
type TargetConfig struct {
	Conditions map[ConditionName]Condition `json:"conditions"`
}

// LoadTargetConfig reads and checks a target config file.
func LoadTargetConfig(file string) (*TargetConfig, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("--target-config: %v", err)
	}
	tc, err := ParseTargetConfig(b)
	if err != nil {
		return nil, fmt.Errorf("--target-config %s: %v", file, err)
	}
	return tc, nil
}

// ParseTargetConfig decodes a target config and rejects unknown fields and conditions.
func ParseTargetConfig(b []byte) (*TargetConfig, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var tc TargetConfig
	if err := dec.Decode(&tc); err != nil {
		return nil, err
	}
	var unknown []string
	for name, c := range tc.Conditions {
		if !KnownCondition(name) {
			unknown = append(unknown, string(name))
			continue
		}
		if c.Target != "" {
			if _, err := ParseTarget(c.Target); err != nil {
				return nil, fmt.Errorf("condition %s: %v", name, err)
			}
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("unknown condition(s) %s; known: %s", strings.Join(unknown, ", "), joinNames(conditionNames))
	}
	return &tc, nil
}

func joinNames[T ~string](names []T) string {
	var out []string
	for _, n := range names {
		out = append(out, string(n))
	}
	return strings.Join(out, ", ")
}
