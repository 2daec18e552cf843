package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ftpconform/ftpconform/reports"
)

// BrowserEnv names the chromium binary for TestReportInBrowser; by default the first of
// chromium, chromium-browser and google-chrome on PATH. Without one the test is skipped (make
// test says so), unless BrowserRequiredEnv is set, as CI sets it.
const (
	BrowserEnv         = "FTPCONFORM_CHROMIUM"
	BrowserRequiredEnv = "FTPCONFORM_BROWSER_REQUIRED"
	// ScreenshotEnv names a directory where the test leaves a screenshot of the page.
	ScreenshotEnv = "FTPCONFORM_SCREENSHOTS"
)

func findChromium() string {
	if p := os.Getenv(BrowserEnv); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestReportInBrowser loads the report of a run with failures in headless chromium and checks
// what a person sees: the verdict, coloured cells of the matrix and the list a click on one
// shows, a failure unfolded with its transcript, a passed scenario's transcript folded, the
// filter, and that the page fetched nothing.
func TestReportInBrowser(t *testing.T) {
	browser := findChromium()
	if browser == "" {
		if os.Getenv(BrowserRequiredEnv) != "" {
			t.Fatalf("no chromium found (set %s), and %s is set", BrowserEnv, BrowserRequiredEnv)
		}
		t.Skip("SKIPPED: no chromium on PATH (apt-get install chromium); the HTML report was not tested in a browser")
	}

	// A real run with a failure: ZZB-001 fails, with a transcript; the others pass, warn, skip.
	target := fakeServer(t)
	dir := t.TempDir()
	code, out, _ := runCmd(t, "--target", targetURL(target), "--report-dir", dir, "--label-filter", "runner-test && !runner-hangs")
	if code != exitNotConformant {
		t.Fatalf("the run: exit %d, want %d\n%s", code, exitNotConformant, out)
	}
	page := "file://" + filepath.Join(dir, reports.HTMLFile)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(browser),
		chromedp.Headless, chromedp.DisableGPU, chromedp.NoSandbox, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	// The browser's first start; later steps run under a deadline.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", browser, err)
	}
	step, cancelStep := context.WithTimeout(ctx, 60*time.Second)
	defer cancelStep()

	if err := chromedp.Do(step, chromedp.Navigate(page), chromedp.WaitReady(chromedp.CSS("#results"))); err != nil {
		t.Fatalf("loading %s: %v", page, err)
	}
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(step, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	visible := func(sel string) string {
		return eval(`(function(){var e=document.querySelector(` + jsString(sel) + `); if(!e) return "missing"; return e.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true}) ? "visible" : "hidden"})()`)
	}
	background := func(sel string) string {
		return eval(`getComputedStyle(document.querySelector(` + jsString(sel) + `)).backgroundColor`)
	}
	text := func(sel string) string {
		return strings.Join(strings.Fields(eval(`document.querySelector(`+jsString(sel)+`).innerText`)), " ")
	}

	// The verdict, at the top, red.
	if v := text("#verdict"); !strings.Contains(v, "Not conformant to profile modern") || !strings.Contains(v, "1 scenario failed") {
		t.Errorf("verdict %q", v)
	}
	if bg := background("#verdict"); bg != "rgb(207, 34, 46)" {
		t.Errorf("the verdict's background is %s, want the failure red", bg)
	}
	if v := text("#count-failed"); v != "1 failed" {
		t.Errorf("failed count %q", v)
	}
	if y := eval(`String(document.getElementById("verdict").getBoundingClientRect().top < 200)`); y != "true" {
		t.Errorf("the verdict is not at the top of the page")
	}

	// The matrix: RETR × 226 is red (ZZB-001 failed), CONNECT × 220 green (ZZA-001 passed),
	// NOOP × 200 amber (ZZA-003 warned), MODE × 504 grey (ZZA-004 skipped).
	retr := `td.cell[data-cmd="RETR"][data-code="226"]`
	for sel, want := range map[string]string{
		retr: "rgb(207, 34, 46)",
		`td.cell[data-cmd="CONNECT"][data-code="220"]`: "rgb(74, 194, 107)",
		`td.cell[data-cmd="NOOP"][data-code="200"]`:    "rgb(234, 197, 79)",
		`td.cell[data-cmd="MODE"][data-code="504"]`:    "rgb(208, 215, 222)",
	} {
		if got := background(sel); got != want {
			t.Errorf("%s has background %s, want %s", sel, got, want)
		}
	}
	if v := visible("#cell-detail"); v != "hidden" {
		t.Errorf("the cell list shows before any click: %s", v)
	}
	if err := chromedp.Do(step, chromedp.Click(chromedp.CSS(retr))); err != nil {
		t.Fatal(err)
	}
	if v := visible("#cell-detail"); v != "visible" {
		t.Errorf("a click on %s shows no list: %s", retr, v)
	}
	if list := text("#cell-detail"); !strings.Contains(list, "RETR 226") || !strings.Contains(list, "ZZB-001") || !strings.Contains(list, "failed") {
		t.Errorf("the list of the RETR 226 cell: %q", list)
	}

	// The failure: open, with its message and transcript; a passing transcript stays folded.
	if v := visible("#scenario-ZZB-001 pre.transcript"); v != "visible" {
		t.Errorf("the failure's transcript is %s", v)
	}
	if tr := text("#scenario-ZZB-001 pre.transcript"); !strings.Contains(tr, "C> RETR x") || !strings.Contains(tr, "S< 200 what") {
		t.Errorf("the failure's transcript reads %q", tr)
	}
	if m := text("#scenario-ZZB-001 pre.message"); !strings.Contains(m, "expected 150 or 125, got 200 what") {
		t.Errorf("the failure's message reads %q", m)
	}
	if v := visible("#scenario-ZZA-002 pre.transcript"); v != "hidden" {
		t.Errorf("a passed scenario's transcript is %s, want folded", v)
	}

	// The filter: "failed" leaves the one failure.
	if err := chromedp.Do(step, chromedp.SendKeys(chromedp.CSS("#filter"), "failed")); err != nil {
		t.Fatal(err)
	}
	if n := eval(`String(document.querySelectorAll("article.scenario:not([hidden])").length)`); n != "1" {
		t.Errorf("filter 'failed': %s scenarios shown", n)
	}
	if v := visible("#scenario-ZZA-002"); v != "hidden" {
		t.Errorf("filter 'failed' leaves ZZA-002 %s", v)
	}
	if s := text("#shown"); !strings.HasPrefix(s, "1 of ") {
		t.Errorf("the filter's count reads %q", s)
	}

	// Self-contained: the page loaded nothing beside itself.
	if n := eval(`String(performance.getEntriesByType("resource").length)`); n != "0" {
		t.Errorf("the page loaded %s resources: %s", n, eval(`performance.getEntriesByType("resource").map(function(e){return e.name}).join(" ")`))
	}

	if shots := os.Getenv(ScreenshotEnv); shots != "" {
		png, err := chromedp.Run(step, chromedp.FullScreenshot(100))
		if err == nil {
			err = os.WriteFile(filepath.Join(shots, "report.png"), png, 0o644)
		}
		if err != nil {
			t.Logf("screenshot: %v", err)
		}
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
