package refserver

import (
	"slices"
	"testing"
)

func TestLang(t *testing.T) {
	ts := startServer(t, nil)
	c, _ := dial(t, ts.addr)
	c.run([]step{
		{"LANG", 200, "EN"},
		{"LANG en", 200, "EN"},
		{"LANG EN-us", 200, ""},
		{"LANG fr", 504, "EN"},
		{"LANG qaa-x", 504, ""},
		{"LANG en_US", 501, ""},
		{"LANG 12", 501, ""},
		{"LANG abcdefghi", 501, ""},
		{"LANG en-", 501, ""},
	})
	if r := c.expect("FEAT", 211); !slices.Contains(r.lines, " LANG EN*") {
		t.Fatalf("FEAT: %s", r.raw)
	}
}

func TestLangTag(t *testing.T) {
	for tag, want := range map[string]string{"en": "en", "EN-GB": "EN", "zh-Hant-TW": "zh", "i-klingon": "i"} {
		if got, ok := langTag(tag); !ok || got != want {
			t.Errorf("langTag(%q) = %q, %v", tag, got, ok)
		}
	}
	for _, tag := range []string{"", "-", "en--us", "e1", "toolongtag", "en us"} {
		if _, ok := langTag(tag); ok {
			t.Errorf("langTag(%q) accepted", tag)
		}
	}
}
