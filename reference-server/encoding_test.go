package refserver

import (
	"bytes"
	"strings"
	"testing"
)

func TestEBCDICTableIsABijection(t *testing.T) {
	seen := map[byte]bool{}
	for i := 0; i < 256; i++ {
		e := toEBCDIC[i]
		if seen[e] {
			t.Fatalf("0x%02X encoded twice", e)
		}
		seen[e] = true
		if fromEBCDIC[e] != byte(i) {
			t.Fatalf("0x%02X does not come back", i)
		}
	}
	if toEBCDIC['A'] != 0xC1 || toEBCDIC[' '] != 0x40 || toEBCDIC['0'] != 0xF0 {
		t.Fatal("not code page 037")
	}
}

func TestEncodersRoundTrip(t *testing.T) {
	local := []byte("line one\nline two\r\nbare\rcr\x00\xff\xe9\n\nend")
	for _, typ := range []byte{typeASCII, typeEBCDIC, typeImage} {
		wire := newEncoder(typ)(nil, local)
		// Decode in pieces of every size, so that a CRLF split between reads is handled.
		for _, step := range []int{1, 2, 3, 7, len(wire)} {
			d := newDecoder(typ)
			var back []byte
			for i := 0; i < len(wire); i += step {
				back = d.decode(back, wire[i:min(i+step, len(wire))])
			}
			back = d.flush(back)
			if !bytes.Equal(back, local) {
				t.Errorf("TYPE %c, pieces of %d: %q", typ, step, back)
			}
		}
	}
	if got := string(newEncoder(typeASCII)(nil, []byte("a\nb"))); got != "a\r\nb" {
		t.Errorf("ASCII: %q", got)
	}
	if got := newEncoder(typeEBCDIC)(nil, []byte("a\n")); !bytes.Equal(got, []byte{0x81, ebcdicNL}) {
		t.Errorf("EBCDIC: % X", got)
	}
}

func TestEncodedSizeAndOffsets(t *testing.T) {
	text := "ab\ncd\n"
	if n, _ := (wireForm{params: defaultParams}).size(strings.NewReader(text)); n != 8 {
		t.Errorf("TYPE A size %d", n)
	}
	if n, _ := (wireForm{params: xferParams{typ: typeImage, stru: struFile, mode: modeStream}}).size(strings.NewReader(text)); n != 6 {
		t.Errorf("TYPE I size %d", n)
	}
	for n, want := range map[int64]int64{0: 0, 1: 1, 2: 2, 4: 3, 5: 4, 8: 6} {
		off, ok, err := localOffset(strings.NewReader(text), n)
		if !ok || err != nil || off != want {
			t.Errorf("offset of %d: %d %v %v, want %d", n, off, ok, err, want)
		}
	}
	for _, n := range []int64{3, 7, 9} { // inside a CRLF, or beyond the end
		if _, ok, _ := localOffset(strings.NewReader(text), n); ok {
			t.Errorf("offset %d accepted", n)
		}
	}
}
