package harness

import (
	"strings"
	"testing"

	"github.com/ftpconform/ftpconform/rfc"
)

func TestFeaturesNameRealSections(t *testing.T) {
	for _, f := range Features() {
		doc, id, _ := strings.Cut(f.Section, ":")
		if _, ok := rfc.Lookup(doc, id); !ok {
			t.Errorf("feature %s: no section %s", f.Name, f.Section)
		}
		if strings.ContainsAny(f.Name, " &|!,()/:") {
			t.Errorf("feature %s: not label-safe", f.Name)
		}
	}
}

func TestProfiles(t *testing.T) {
	modeB, _ := LookupFeature("MODE-B")
	strR, _ := LookupFeature("STRU-R")
	mlst, _ := LookupFeature("MLST")
	modeZ, _ := LookupFeature("MODE-Z")
	cases := []struct {
		p    Profile
		f    Feature
		want bool
	}{
		{ProfileMinimum, modeB, false}, {ProfileMinimum, strR, true}, {ProfileRFC959, modeB, true},
		{ProfileRFC959, mlst, false}, {ProfileModern, mlst, true}, {ProfileSecure, modeZ, false},
		{ProfileModern, modeB, false}, {ProfileModern, strR, false}, {ProfileRFC959, strR, true},
	}
	for _, c := range cases {
		if got := c.p.Requires(c.f); got != c.want {
			t.Errorf("%s requires %s = %v, want %v", c.p, c.f.Name, got, c.want)
		}
	}
	if got := RunFilter(Settings{Profile: ProfileRFC959, ReadOnly: true}); got != "rfc: containsAny {959} && !writes" {
		t.Errorf("RunFilter = %q", got)
	}
}

func TestSectionText(t *testing.T) {
	for in, want := range map[string]string{"959:4.1.3": "959 §4.1.3", "959:appendix-2": "959 Appendix 2", "2640:annex-A": "2640 Annex A", "deflate:3.4": "draft-preston-ftpext-deflate §3.4"} {
		if got := sectionText(in); got != want {
			t.Errorf("sectionText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestProbeVerdict(t *testing.T) {
	modeZ, _ := LookupFeature("MODE-Z")
	appe, _ := LookupFeature("APPE")
	stat, _ := LookupFeature("STAT")
	allo, _ := LookupFeature("ALLO")
	site, _ := LookupFeature("SITE")
	cases := []struct {
		f    Feature
		code int
		want verdict
	}{
		{modeZ, 501, refused}, {modeZ, 200, offeredVerdict}, {modeZ, 504, refused},
		{appe, 501, offeredVerdict}, {appe, 500, unclear}, {appe, 504, unclear}, {appe, 502, refused},
		{stat, 500, refused}, {stat, 211, offeredVerdict}, {allo, 501, offeredVerdict}, {site, 501, offeredVerdict},
	}
	for _, c := range cases {
		if got := probeVerdict(c.f, c.code); got != c.want {
			t.Errorf("%s answered %d: verdict %d, want %d", c.f.Name, c.code, got, c.want)
		}
	}
	if v := modeZ.verb(); v != "MODE Z" {
		t.Errorf("MODE-Z's verb = %q", v)
	}
}
