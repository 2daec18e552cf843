package refserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// writeFrames sends local data through the writer as the server's send does (whole runs of
// data at a time; records end at "\n" in record structure), with markers inserted at the given
// local offsets.
func writeFrames(t *testing.T, p xferParams, local []byte, markers map[int]string) []byte {
	t.Helper()
	var wire bytes.Buffer
	fw := newFrameWriter(p, &wire, 4)
	enc := newEncoder(p.typ)
	start := 0
	flush := func(end int) {
		seg := local[start:end]
		for p.stru == struRecord && bytes.IndexByte(seg, '\n') >= 0 {
			i := bytes.IndexByte(seg, '\n')
			if i > 0 {
				fw.data(enc(nil, seg[:i]))
			}
			fw.endRecord()
			seg = seg[i+1:]
		}
		if len(seg) > 0 {
			fw.data(enc(nil, seg))
		}
		start = end
	}
	for i := 0; i <= len(local); i++ {
		if m, ok := markers[i]; ok {
			flush(i)
			if err := fw.marker(m); err != nil {
				t.Fatal(err)
			}
		}
	}
	flush(len(local))
	if err := fw.close(); err != nil {
		t.Fatal(err)
	}
	return wire.Bytes()
}

// readFrames decodes wire data back into local data and the markers seen.
func readFrames(p xferParams, wire []byte) ([]byte, []string, error) {
	fr := newFrameReader(p, bytes.NewReader(wire))
	dec := newDecoder(p.typ)
	var out []byte
	var markers []string
	for {
		e, err := fr.next()
		if err != nil {
			return out, markers, err
		}
		switch e.kind {
		case evData:
			out = dec.decode(out, e.p)
		case evEOR:
			if p.stru == struRecord {
				out = append(dec.flush(out), '\n')
			}
		case evMarker:
			markers = append(markers, string(e.p))
		case evEOF:
			return dec.flush(out), markers, nil
		}
	}
}

func TestFramingRoundTrips(t *testing.T) {
	local := []byte("rec one\nrec two\xff\n\n    spaces    and zeros\x00\x00\x00\x00 aaaaaaaa\nlast, no newline")
	for _, mode := range []byte{modeStream, modeBlock, modeCompressed} {
		for _, stru := range []byte{struFile, struRecord, struPage} {
			for _, typ := range []byte{typeImage, typeASCII, typeEBCDIC} {
				p := xferParams{typ: typ, form: formNonPrint, stru: stru, mode: mode}
				markers := map[int]string{}
				if mode != modeStream && stru != struPage {
					markers = map[int]string{3: "3", 20: "20"}
				}
				wire := writeFrames(t, p, local, markers)
				back, seen, err := readFrames(p, wire)
				name := fmt.Sprintf("MODE %c STRU %c TYPE %c", mode, stru, typ)
				if err != nil || !bytes.Equal(back, local) {
					t.Errorf("%s: %q, %v\nwire % X", name, back, err, wire)
				}
				if len(seen) != len(markers) {
					t.Errorf("%s: markers %q", name, seen)
				}
			}
		}
	}
}

func TestFramingBytes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		p     xferParams
		local string
		wire  string
	}{
		{"stream file", xferParams{typ: typeImage, stru: struFile, mode: modeStream}, "a\xffb", "a\xffb"},
		{"stream record (RFC 959 §3.4.1)", xferParams{typ: typeImage, stru: struRecord, mode: modeStream}, "ab\n\xff\n", "ab\xff\x01\xff\xff\xff\x03"},
		{"stream record, last record unterminated", xferParams{typ: typeImage, stru: struRecord, mode: modeStream}, "ab\ncd", "ab\xff\x01cd\xff\x02"},
		{"stream record, empty", xferParams{typ: typeImage, stru: struRecord, mode: modeStream}, "", "\xff\x02"},
		{"block file (RFC 959 §3.4.2)", xferParams{typ: typeImage, stru: struFile, mode: modeBlock}, "abc", "\x40\x00\x03abc"},
		{"block record", xferParams{typ: typeImage, stru: struRecord, mode: modeBlock}, "ab\nc\n", "\x80\x00\x02ab\xc0\x00\x01c"},
		{"compressed (RFC 959 §3.4.3)", xferParams{typ: typeImage, stru: struFile, mode: modeCompressed}, "ab\x00\x00\x00\x00xxxxx", "\x02ab\xc4\x85x\x00\x40"},
		{"compressed ASCII filler is space", xferParams{typ: typeASCII, stru: struFile, mode: modeCompressed}, "a   b", "\x01a\xc3\x01b\x00\x40"},
		{"compressed record", xferParams{typ: typeImage, stru: struRecord, mode: modeCompressed}, "ab\n", "\x02ab\x00\xc0"},
		{"page (RFC 959 §3.1.2.3)", xferParams{typ: typeImage, stru: struPage, mode: modeStream}, "abcdef", "\x04\x01\x04\x01abcd\x04\x02\x02\x01ef\x04\x03\x00\x00"},
	} {
		wire := writeFrames(t, tc.p, []byte(tc.local), nil)
		if string(wire) != tc.wire {
			t.Errorf("%s: wire % X, want % X", tc.name, wire, []byte(tc.wire))
		}
	}
}

func TestBlockMarkers(t *testing.T) {
	p := xferParams{typ: typeImage, stru: struFile, mode: modeBlock}
	wire := writeFrames(t, p, []byte("abcd"), map[int]string{2: "2"})
	if want := "\x00\x00\x02ab\x10\x00\x012\x40\x00\x02cd"; string(wire) != want {
		t.Fatalf("wire % X", wire)
	}
	p.mode = modeCompressed
	wire = writeFrames(t, p, []byte("abcd"), map[int]string{2: "2"})
	if want := "\x02ab\x00\x10\x012\x02cd\x00\x40"; string(wire) != want {
		t.Fatalf("compressed wire % X", wire)
	}
}

func TestFramingErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    xferParams
		wire string
		want error
	}{
		{"block without EOF", xferParams{typ: typeImage, mode: modeBlock}, "\x00\x00\x02ab", errTruncated},
		{"block cut in a header", xferParams{typ: typeImage, mode: modeBlock}, "\x00\x00", errTruncated},
		{"block cut in data", xferParams{typ: typeImage, mode: modeBlock}, "\x40\x00\x05ab", errTruncated},
		{"compressed without EOF", xferParams{typ: typeImage, mode: modeCompressed}, "\x02ab", errTruncated},
		{"compressed marker not a string", xferParams{typ: typeImage, mode: modeCompressed}, "\x00\x10\x85x", errFraming},
		{"record escape unknown", xferParams{typ: typeImage, stru: struRecord, mode: modeStream}, "a\xff\x07", errFraming},
		{"record escape cut", xferParams{typ: typeImage, stru: struRecord, mode: modeStream}, "a\xff", errTruncated},
		{"page type unknown", xferParams{typ: typeImage, stru: struPage, mode: modeStream}, "\x04\x01\x02\x09ab", errPageType},
		{"page header too short", xferParams{typ: typeImage, stru: struPage, mode: modeStream}, "\x02\x01", errFraming},
		{"page cut", xferParams{typ: typeImage, stru: struPage, mode: modeStream}, "\x04\x01\x05\x01ab", errTruncated},
	} {
		_, _, err := readFrames(tc.p, []byte(tc.wire))
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
	// Stream-mode record data may end with the connection: EOF is implied (RFC 959 §3.4).
	if back, _, err := readFrames(xferParams{typ: typeImage, stru: struRecord, mode: modeStream}, []byte("ab\xff\x01cd")); err != nil || string(back) != "ab\ncd" {
		t.Errorf("implied EOF: %q %v", back, err)
	}
	// Descriptor and access-controlled pages: data of type 3 kept, type 2 skipped.
	pages := "\x04\x00\x03\x02DSC\x05\x01\x02\x03Xab\x04\x02\x00\x00"
	if back, _, err := readFrames(xferParams{typ: typeImage, stru: struPage, mode: modeStream}, []byte(pages)); err != nil || string(back) != "ab" {
		t.Errorf("pages: %q %v", back, err)
	}
}

// On the wire: block mode with restart markers (110), a kept-open connection (125, 250, 225),
// record structure and page structure with the server.
func TestBlockModeOnTheWire(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.RestartMarkerInterval = 4 })
	ts.write(t, "f", "abcdefghij")
	c := login(t, ts.addr)
	c.run([]step{{"TYPE I", 200, ""}, {"MODE B", 200, ""}})
	got := c.retr("f")
	p := xferParams{typ: typeImage, stru: struFile, mode: modeBlock}
	back, markers, err := readFrames(p, got)
	if err != nil || string(back) != "abcdefghij" || strings.Join(markers, ",") != "4,8" {
		t.Fatalf("block RETR: %q %q %v", back, markers, err)
	}
	// REST with a marker the server sent resumes at that point.
	c.expect("REST 8", 350)
	back, _, _ = readFrames(p, c.retr("f"))
	if string(back) != "ij" {
		t.Fatalf("restart from marker 8: %q", back)
	}
	// STOR with client markers: 110 MARK replies, before the 226.
	var wire bytes.Buffer
	fw := newFrameWriter(p, &wire, 0)
	fw.data([]byte("hello "))
	fw.marker("M1")
	fw.data([]byte("world"))
	fw.marker("M2")
	fw.close()
	d := c.pasv()
	c.expect("STOR up", 150)
	d.Write(wire.Bytes())
	if r := c.expectRead(110); r.text() != "MARK M1 = 6" {
		t.Fatalf("110: %v", r)
	}
	if r := c.expectRead(110); r.text() != "MARK M2 = 11" {
		t.Fatalf("110: %v", r)
	}
	d.Close()
	c.expectRead(226)
	if got := ts.read(t, "up"); got != "hello world" {
		t.Fatalf("stored %q", got)
	}
	// Data cut before the EOF block: 426, and what arrived is kept.
	d = c.pasv()
	c.expect("STOR cut", 150)
	d.Write([]byte("\x00\x00\x03abc"))
	d.Close()
	c.expectRead(426)
	if got := ts.read(t, "cut"); got != "abc" {
		t.Fatalf("kept %q", got)
	}
}

func TestKeptDataConnection(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.KeepDataConnection = true })
	ts.write(t, "f", "abc")
	ts.write(t, "g", "xy")
	c := login(t, ts.addr)
	c.run([]step{{"TYPE I", 200, ""}, {"MODE B", 200, ""}})
	d := c.pasv()
	c.expect("RETR f", 150)
	p := xferParams{typ: typeImage, stru: struFile, mode: modeBlock}
	fr := newFrameReader(p, d)
	readFile := func() string {
		var out []byte
		for {
			e, err := fr.next()
			if err != nil {
				t.Fatal(err)
			}
			if e.kind == evData {
				out = append(out, e.p...)
			}
			if e.kind == evEOF {
				fr = newFrameReader(p, d)
				return string(out)
			}
		}
	}
	if got := readFile(); got != "abc" {
		t.Fatalf("first file %q", got)
	}
	c.expectRead(250) // not 226: the data connection stays open
	c.expect("STAT", 211)
	c.expect("RETR g", 125) // already open
	if got := readFile(); got != "xy" {
		t.Fatalf("second file %q", got)
	}
	c.expectRead(250)
	c.expect("ABOR", 225) // no transfer, the connection open
	c.expect("MODE S", 200)
	c.expect("ABOR", 226) // leaving block mode closed it
	readAll(t, d)
}

func TestRecordAndPageStructureOnTheWire(t *testing.T) {
	ts := startServer(t, func(c *Config) {
		c.PageStructure = true
		c.PageSize = 3
		c.UnknownPageTypePaths = []string{"/unknown"}
	})
	ts.write(t, "text", "ab\ncd\n")
	ts.write(t, "unknown", "x")
	c := login(t, ts.addr)
	c.expect("STRU R", 200)
	if got := string(c.retr("text")); got != "ab\xff\x01cd\xff\x03" {
		t.Fatalf("STRU R RETR: % X", got)
	}
	c.stor("rec", []byte("x\xff\xffy\xff\x01z\xff\x02"))
	if got := ts.read(t, "rec"); got != "x\xffy\nz" {
		t.Fatalf("STRU R STOR: %q", got)
	}
	c.run([]step{{"STRU P", 200, ""}, {"TYPE I", 200, ""}})
	if got := string(c.retr("text")); got != "\x04\x01\x03\x01ab\n\x04\x02\x03\x01cd\n\x04\x03\x00\x00" {
		t.Fatalf("STRU P RETR: % X", got)
	}
	c.stor("pages", []byte("\x04\x01\x02\x01hi\x04\x02\x00\x00"))
	if got := ts.read(t, "pages"); got != "hi" {
		t.Fatalf("STRU P STOR: %q", got)
	}
	// A page of a type the server does not know: 551.
	c.upload("STOR bad", []byte("\x04\x01\x02\x07hi"))
	c.expectRead(551)
	c.upload("APPE pages", []byte("\x04\x01\x01\x09!"))
	c.expectRead(551)
	c.expect("APPE unknown", 551)
	c.expect("STOR unknown", 551)
}

var _ = io.EOF
