package rfc

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Every code's text is quoted from its section, so Codes says only what the RFCs say.
func TestCodesQuoteTheirSections(t *testing.T) {
	last := 0
	for _, c := range Codes() {
		if c.Number < last {
			t.Errorf("%d comes after %d", c.Number, last)
		}
		last = c.Number
		if err := CheckQuote(c.Doc, c.Section, c.Text); err != nil {
			t.Errorf("%d: %v", c.Number, err)
		}
		if s, _ := Lookup(c.Doc, c.Section); !strings.Contains(s.Text, strconv.Itoa(c.Number)) {
			t.Errorf("%d: not in %s", c.Number, s)
		}
	}
}

// The RFC 959 codes are exactly the list of §4.2.2, read from the text, and each has the
// reply's line of the text.
func TestCodesOfRFC959(t *testing.T) {
	s, _ := Lookup("959", "4.2.2")
	entry := regexp.MustCompile(`(?m)^(\d{3}) (.*)$`)
	var fromText []int
	for _, m := range entry.FindAllStringSubmatch(s.Text, -1) {
		n, _ := strconv.Atoi(m[1])
		fromText = append(fromText, n)
		i := slices.IndexFunc(codes, func(c Code) bool { return c.Number == n && c.Doc == "959" })
		if i < 0 || !strings.HasPrefix(codes[i].Text, m[2]) {
			t.Errorf("%d: §4.2.2 says %q", n, m[2])
		}
	}
	var ours []int
	for _, c := range Codes() {
		if c.Doc == "959" {
			ours = append(ours, c.Number)
		}
	}
	if len(fromText) != 39 || !slices.Equal(ours, fromText) {
		t.Errorf("RFC 959 codes:\n got %v\nwant %v (§4.2.2)", ours, fromText)
	}
}

func TestCodesOfExtensions(t *testing.T) {
	want := map[string]string{
		"2228": "232 234 235 334 335 336 431 533 534 535 536 537 631 632 633",
		"2428": "229 522",
		"1639": "228 521",
		"1123": "554 555",
		"4217": "521 522",
	}
	got := map[string]string{}
	for _, c := range Codes() {
		if c.Doc != "959" {
			got[c.Doc] = strings.TrimSpace(got[c.Doc] + " " + strconv.Itoa(c.Number))
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("extension codes:\n got %v\nwant %v", got, want)
	}
	// RFC 2228 §5.1 lists its codes one a line: every one of them is here.
	s, _ := Lookup("2228", "5.1")
	for _, m := range regexp.MustCompile(`(?m)^(\d{3}) `).FindAllStringSubmatch(s.Text, -1) {
		n, _ := strconv.Atoi(m[1])
		if !slices.ContainsFunc(codes, func(c Code) bool { return c.Number == n && c.Doc == "2228" }) {
			t.Errorf("RFC 2228 §5.1 defines %d", n)
		}
	}
}

func TestCodeKnown(t *testing.T) {
	for _, n := range []int{110, 226, 553, 229, 228, 521, 522, 554, 555, 631, 633, 232, 336} {
		if !CodeKnown(n) {
			t.Errorf("CodeKnown(%d) = false", n)
		}
	}
	for _, n := range []int{0, 100, 231, 299, 400, 520, 600, 634, 999, 2260} {
		if CodeKnown(n) {
			t.Errorf("CodeKnown(%d) = true", n)
		}
	}
	// Every code the reply table names is one the texts define.
	for _, r := range Rows() {
		for _, c := range r.Codes() {
			if n, err := strconv.Atoi(c); err == nil && !CodeKnown(n) {
				t.Errorf("%s %s: code %s is not defined", r.Command, r.Doc, c)
			}
		}
	}
}

func TestVerbs(t *testing.T) {
	seen := map[string]bool{}
	for _, v := range Verbs() {
		if seen[v.Name] {
			t.Errorf("%s twice", v.Name)
		}
		seen[v.Name] = true
		s, ok := Lookup(v.Doc, v.Section)
		if !ok {
			t.Errorf("%s: %s has no section %s", v.Name, v.Doc, v.Section)
			continue
		}
		if !regexp.MustCompile(`\b` + v.Name + `\b`).MatchString(s.Text + " " + s.Title) {
			t.Errorf("%s is not in %s", v.Name, s)
		}
		if v.AliasOf != "" {
			if twin, ok := findVerb(v.AliasOf); !ok || twin.Doc != "959" {
				t.Errorf("%s stands for %q, no RFC 959 verb", v.Name, v.AliasOf)
			}
		}
		if !KnownCommand(v.Name) {
			t.Errorf("KnownCommand(%s) = false", v.Name)
		}
	}
	if len(seen) != 58 { // 33 of RFC 959, 5 X-forms, 2+8+2+2+1+4+1 of the extensions
		t.Errorf("%d verbs, want 58", len(seen))
	}
}

// RFC 959's verbs are exactly those §4.1 defines ("USER NAME (USER)" on a line of its own), in
// the order of the text, each in its subsection.
func TestVerbsOfRFC959(t *testing.T) {
	name := regexp.MustCompile(`(?m)^ *[A-Z][A-Za-z ()]* \(([A-Z]{3,4})\)$`)
	var fromText []string
	for _, id := range []string{"4.1.1", "4.1.2", "4.1.3"} {
		s, _ := Lookup("959", id)
		for _, m := range name.FindAllStringSubmatch(s.Text, -1) {
			if !slices.Contains(fromText, m[1]) {
				fromText = append(fromText, m[1])
				if v, _ := findVerb(m[1]); v.Section != id {
					t.Errorf("%s is defined in §%s, not §%s", m[1], id, v.Section)
				}
			}
		}
	}
	var ours []string
	for _, v := range Verbs() {
		if v.Doc == "959" {
			ours = append(ours, v.Name)
		}
	}
	if len(ours) != 33 || !slices.Equal(ours, fromText) {
		t.Errorf("RFC 959 verbs:\n got %v\nwant %v (§4.1)", ours, fromText)
	}
}

// Minimum is RFC 959 §5.1's list, read from the text: "COMMANDS - USER, QUIT, PORT, TYPE,
// MODE, STRU, for the default values RETR, STOR, NOOP.".
func TestMinimumImplementation(t *testing.T) {
	s, _ := Lookup("959", "5.1")
	_, list, ok := strings.Cut(s.norm, "COMMANDS - ")
	list, _, _ = strings.Cut(list, ".")
	want := regexp.MustCompile(`\b[A-Z]{4}\b`).FindAllString(list, -1)
	if !ok || len(want) != 9 {
		t.Fatalf("could not read §5.1's command list: %q", list)
	}
	var got []string
	for _, v := range Verbs() {
		if v.Minimum {
			got = append(got, v.Name)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("minimum implementation: got %v, want %v", got, want)
	}
}

func TestKnownCommand(t *testing.T) {
	for _, c := range []string{"RETR", "retr", "XMKD", "HOST", "EPSV ALL", "epsv  all", "MODE Z", "OPTS MODE Z", "AUTH TLS", Connect, Any} {
		if !KnownCommand(c) {
			t.Errorf("KnownCommand(%q) = false", c)
		}
	}
	for _, c := range []string{"", "FOO", "RETR x", "MODE Q", "XSIZE", "<greeting>", "OPTS UTF8"} {
		if KnownCommand(c) {
			t.Errorf("KnownCommand(%q) = true", c)
		}
	}
}

func TestSeed(t *testing.T) {
	if len(SeedCommands) != 33 || len(SeedCodes) != 39 {
		t.Errorf("seed: %d commands, %d codes; the seed has 33 and 39", len(SeedCommands), len(SeedCodes))
	}
	for _, c := range SeedCommands {
		if v, ok := findVerb(c); !ok || v.Doc != "959" {
			t.Errorf("seed command %s is no RFC 959 verb", c)
		}
		if RowsFor(c) == nil {
			t.Errorf("seed command %s has no row in the reply table", c)
		}
	}
	for _, n := range SeedCodes {
		if !slices.ContainsFunc(codes, func(c Code) bool { return c.Number == n && c.Doc == "959" }) {
			t.Errorf("seed code %d is not defined by RFC 959", n)
		}
	}
	if len(slices.Compact(slices.Sorted(slices.Values(SeedCommands)))) != 33 ||
		len(slices.Compact(slices.Sorted(slices.Values(SeedCodes)))) != 39 {
		t.Error("the seed lists have duplicates")
	}
}

// The seed lists are the seed file's first two tables. The check runs where ../shared is
// present (it is not part of a user's clone).
func TestSeedIsTheSharedOne(t *testing.T) {
	raw, err := os.ReadFile("../../shared/seed/ftp-commands-and-reply-codes.md")
	if err != nil {
		t.Skip("../shared is not here:", err)
	}
	// The two tables come before the second document on the page ("# FTP返回码表示的含义").
	text, _, _ := strings.Cut(string(raw), "# FTP返回码")
	var cmds []string
	var nums []int
	for _, m := range regexp.MustCompile(`(?m)^\| ([A-Z]{3,4})\b`).FindAllStringSubmatch(text, -1) {
		cmds = append(cmds, m[1])
	}
	for _, m := range regexp.MustCompile(`(?m)^\| (\d{3}) `).FindAllStringSubmatch(text, -1) {
		n, _ := strconv.Atoi(m[1])
		nums = append(nums, n)
	}
	if !slices.Equal(cmds, SeedCommands) {
		t.Errorf("SeedCommands = %v, the seed has %v", SeedCommands, cmds)
	}
	if !slices.Equal(nums, SeedCodes) {
		t.Errorf("SeedCodes = %v, the seed has %v", SeedCodes, nums)
	}
}
