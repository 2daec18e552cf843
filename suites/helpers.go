package suites

import (
	"strings"

	. "github.com/ftpconform/ftpconform/harness"
)

// PathOf reads the quoted directory name of a 257 reply, undoing quote doubling
// (RFC 959 appendix II). It returns "" when the reply has no quoted name.
func PathOf(r Reply) string {
	text := r.Text()
	start := strings.IndexByte(text, '"')
	if start < 0 {
		return ""
	}
	var b strings.Builder
	for i := start + 1; i < len(text); i++ {
		if text[i] != '"' {
			b.WriteByte(text[i])
			continue
		}
		if i+1 < len(text) && text[i+1] == '"' {
			b.WriteByte('"')
			i++
			continue
		}
		return b.String()
	}
	return ""
}
