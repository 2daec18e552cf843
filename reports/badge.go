package reports

import (
	"fmt"
	"html"
	"os"
)

// Badge colours, as the usual README badges have them.
const (
	badgeGreen = "#2da44e"
	badgeRed   = "#cf222e"
	badgeGrey  = "#6e7781"
	badgeLabel = "#555"
)

// BadgeText is what the badge of a run says: "modern · 212/212" for a run conformant to its
// whole profile (scenarios that ran and passed out of those that ran), "modern · failing (3
// failed)" when not conformant, and "modern · 9/9 (partial run)" for a conformant run that
// filters narrowed, which certifies nothing. The colour goes with it.
func BadgeText(r Result, narrowed bool) (text, colour string) {
	profile := string(r.Run.Settings.Profile)
	c := r.Counts
	passed := c.Passed + c.Warnings
	switch {
	case !r.Conformant() && c.Failed > 0:
		return fmt.Sprintf("%s · failing (%d failed)", profile, c.Failed), badgeRed
	case !r.Conformant():
		return profile + " · failing", badgeRed
	case narrowed:
		return fmt.Sprintf("%s · %d/%d (partial run)", profile, passed, c.Ran()), badgeGrey
	default:
		return fmt.Sprintf("%s · %d/%d", profile, passed, c.Ran()), badgeGreen
	}
}

// WriteBadge writes badge.svg.
func WriteBadge(file string, r Result, narrowed bool) error {
	text, colour := BadgeText(r, narrowed)
	return os.WriteFile(file, RenderBadge("FTP conformance", text, colour), 0o644)
}

// RenderBadge draws a two-part badge (label on grey, message on colour) as a standalone SVG.
// Text widths are estimated from typical Verdana 11px advances; the badge need not be exact.
func RenderBadge(label, message, colour string) []byte {
	lw, mw := textWidth(label)+12, textWidth(message)+12
	w := lw + mw
	esc := html.EscapeString
	return fmt.Appendf(nil, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="20" role="img" aria-label="%s: %s">
<title>%s: %s</title>
<linearGradient id="s" x2="0" y2="100%%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="%d" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="%d" height="20" fill="%s"/><rect x="%d" width="%d" height="20" fill="%s"/><rect width="%d" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
<text x="%d" y="15" fill="#010101" fill-opacity=".3">%s</text><text x="%d" y="14">%s</text>
<text x="%d" y="15" fill="#010101" fill-opacity=".3">%s</text><text x="%d" y="14">%s</text>
</g>
</svg>
`, w, esc(label), esc(message), esc(label), esc(message), w, lw, badgeLabel, lw, mw, colour, w,
		lw/2, esc(label), lw/2, esc(label), lw+mw/2, esc(message), lw+mw/2, esc(message))
}

// textWidth estimates the width of s in Verdana 11px.
func textWidth(s string) int {
	w := 0.0
	for _, r := range s {
		switch {
		case r == ' ' || r == '·' || r == 'i' || r == 'l' || r == 'I' || r == 'j' || r == '.' || r == ',' || r == '(' || r == ')' || r == '/' || r == 'f' || r == 't' || r == 'r':
			w += 4.2
		case r >= 'A' && r <= 'Z', r == 'm', r == 'w':
			w += 8.4
		default:
			w += 7.0
		}
	}
	return int(w + 0.5)
}
