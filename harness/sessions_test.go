package harness

import (
	"strings"
	"testing"
	"time"
)

func TestSessionSlots(t *testing.T) {
	dir := t.TempDir()
	a, err := acquireSlot(dir, 2, time.Now().Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	b, err := acquireSlot(dir, 2, time.Now().Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acquireSlot(dir, 2, time.Now().Add(100*time.Millisecond)); err == nil || !strings.Contains(err.Error(), "stayed busy") {
		t.Fatalf("a third session while two are held: %v", err)
	}
	a.release()
	c, err := acquireSlot(dir, 2, time.Now().Add(time.Second))
	if err != nil {
		t.Fatalf("after a release: %v", err)
	}
	b.release()
	c.release()
	if s, err := acquireSlot("", 0, time.Now()); s != nil || err != nil {
		t.Fatalf("no cap: %v %v", s, err)
	}
}
