package refserver

import "strings"

// RFC 2640 §4: LANG chooses the language of the reply texts. This server speaks English only,
// its default (RFC 2640 §4.1 recommends "English encoded using ASCII"), so LANG accepts English
// in any variant (a tag whose primary tag is "en": RFC 2640 §4.2 lets the server use "the most
// appropriate variant of the primary tag") and nothing else; REIN and HOST have nothing to undo.

// languages are the language tags of the FEAT LANG line; the first is the default and, as the
// only one, always the current one.
var languages = []string{"EN"}

// langTag checks lang-tag = Primary-tag *( "-" Sub-tag ), each 1*8ALPHA (RFC 2640 §4.2), and
// returns its primary tag.
func langTag(tag string) (primary string, ok bool) {
	for i, part := range strings.Split(tag, "-") {
		if part == "" || len(part) > 8 {
			return "", false
		}
		for j := 0; j < len(part); j++ {
			if c := part[j] | 0x20; c < 'a' || c > 'z' {
				return "", false
			}
		}
		if i == 0 {
			primary = part
		}
	}
	return primary, true
}

// LANG [tag] (RFC 2640 §4.2): 200 for the default (no tag) or a supported language, 504 for a
// well-formed tag of another language, 501 for what is not a language tag.
func cmdLANG(s *session, arg string) {
	f := s.srv.faults
	if arg == "" {
		s.reply(codeOK, "Language set to %s, the default.", languages[0])
		return
	}
	primary, ok := langTag(arg)
	switch {
	case !ok && f.has(faultLangMalformed504):
		s.reply(codeParamNotImpl, "LANG %s: language not supported.", sanitizeName(arg))
	case !ok:
		s.reply(codeBadArguments, "LANG: %q is not a language tag (RFC 1766).", sanitizeName(arg))
	case containsFold(languages, primary) || f.has(faultLangAcceptsAny):
		s.reply(codeOK, "Language set to %s.", strings.ToUpper(primary))
	default:
		s.reply(codeParamNotImpl, "LANG %s: language not supported; supported: %s.", sanitizeName(arg), strings.Join(languages, ", "))
	}
}

// langFeatLine is the LANG feature line (RFC 2640 §4.3): the supported tags, "*" marking the
// current one.
func langFeatLine(s *session) string {
	switch {
	case s.srv.faults.has(faultFeatLangBare):
		return "LANG"
	case s.srv.faults.has(faultFeatLangStarWrong):
		return "LANG " + strings.Join(languages, ";") + ";FR*"
	}
	tags := append([]string(nil), languages...)
	tags[0] += "*"
	return "LANG " + strings.Join(tags, ";")
}
