package refserver

import (
	"strings"
	"testing"
)

func TestFaultCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Faults() {
		if seen[f.Name] {
			t.Errorf("%s twice", f.Name)
		}
		seen[f.Name] = true
		if f.Description == "" || f.Group == "" || !strings.Contains(f.RFC, ":") {
			t.Errorf("%s: incomplete entry %+v", f.Name, f)
		}
		if (f.reply == nil && f.table == nil) == !f.check {
			t.Errorf("%s: needs exactly one of a reply hook, a table hook or a named check", f.Name)
		}
	}
	if _, err := New(Config{Root: t.TempDir(), Faults: []string{"no-such-fault"}}, nil); err == nil || !strings.Contains(err.Error(), "retr-226-as-250") {
		t.Fatalf("unknown fault: %v", err)
	}
}

// splitQuotedPath reads 257's quoted path; the faults that unquote it put the path and the rest
// together, and leave a line without one as it is.
func TestSplitQuotedPath(t *testing.T) {
	for in, want := range map[string]string{
		`"/" is the current directory.`:     `/ is the current directory.`,
		`"/a""b" is the current directory.`: `/a"b is the current directory.`,
		`no quotes`:                         `no quotes`,
		`"unterminated`:                     `"unterminated`,
	} {
		got := in
		if p, rest, ok := splitQuotedPath(in); ok {
			got = p + rest
		}
		if got != want {
			t.Errorf("splitQuotedPath(%q) unquoted: %q, want %q", in, got, want)
		}
	}
}
