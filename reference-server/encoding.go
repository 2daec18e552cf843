package refserver

import (
	"io"

	"golang.org/x/text/encoding/charmap"
)

// Representation types (RFC 959 §3.1.1). Files are stored as local bytes with "\n" line ends.
// TYPE A sends them as NVT-ASCII with CRLF line ends (§3.1.1.1); TYPE E as EBCDIC, code page
// 037, with NL (0x15) line ends (§3.1.1.2); TYPE I and L 8 unchanged. The N, T and C formats
// (§3.1.1.5) only tell the receiver how to print: the bytes travel alike.
//
// The conversions are exact inverses: what is stored in TYPE A or E is retrieved identically
// in the same type. (In TYPE E, the local byte 0x85, Latin-1 NEL, also becomes NL and so
// comes back as "\n": EBCDIC has one NL for both.)

// ebcdicNL is EBCDIC's new-line character, which ends lines in TYPE E.
const ebcdicNL = 0x15

var toEBCDIC, fromEBCDIC [256]byte

func init() {
	for i := 0; i < 256; i++ {
		e, ok := charmap.CodePage037.EncodeRune(rune(i))
		if !ok {
			panic("code page 037 lacks a Latin-1 character")
		}
		toEBCDIC[i] = e
		fromEBCDIC[e] = byte(i)
	}
}

// encoder turns local bytes into the transfer representation. Line ends reach it only in file
// and page structure; in record structure they become end-of-record marks instead.
type encoder func(dst, src []byte) []byte

func newEncoder(typ byte) encoder {
	switch typ {
	case typeASCII:
		return func(dst, src []byte) []byte {
			for _, b := range src {
				if b == '\n' {
					dst = append(dst, '\r', '\n')
				} else {
					dst = append(dst, b)
				}
			}
			return dst
		}
	case typeEBCDIC:
		return func(dst, src []byte) []byte {
			for _, b := range src {
				if b == '\n' {
					dst = append(dst, ebcdicNL)
				} else {
					dst = append(dst, toEBCDIC[b])
				}
			}
			return dst
		}
	default:
		return func(dst, src []byte) []byte { return append(dst, src...) }
	}
}

// decoder turns the transfer representation into local bytes. It may hold a byte back
// (a CR whose LF has not arrived yet) until flush.
type decoder interface {
	decode(dst, src []byte) []byte
	flush(dst []byte) []byte
}

func newDecoder(typ byte) decoder {
	switch typ {
	case typeASCII:
		return &asciiDecoder{}
	case typeEBCDIC:
		return ebcdicDecoder{}
	default:
		return imageDecoder{}
	}
}

// asciiDecoder turns CRLF into "\n"; any other CR stays.
type asciiDecoder struct{ pendingCR bool }

func (d *asciiDecoder) decode(dst, src []byte) []byte {
	for _, b := range src {
		if d.pendingCR {
			d.pendingCR = false
			if b == '\n' {
				dst = append(dst, '\n')
				continue
			}
			dst = append(dst, '\r')
		}
		if b == '\r' {
			d.pendingCR = true
			continue
		}
		dst = append(dst, b)
	}
	return dst
}

func (d *asciiDecoder) flush(dst []byte) []byte {
	if d.pendingCR {
		d.pendingCR = false
		dst = append(dst, '\r')
	}
	return dst
}

type ebcdicDecoder struct{}

func (ebcdicDecoder) decode(dst, src []byte) []byte {
	for _, b := range src {
		if b == ebcdicNL {
			dst = append(dst, '\n')
		} else {
			dst = append(dst, fromEBCDIC[b])
		}
	}
	return dst
}

func (ebcdicDecoder) flush(dst []byte) []byte { return dst }

type imageDecoder struct{}

func (imageDecoder) decode(dst, src []byte) []byte { return append(dst, src...) }
func (imageDecoder) flush(dst []byte) []byte       { return dst }

// localOffset finds the local offset at which n bytes of r's TYPE A form end. ok is false when n
// falls inside a CRLF or beyond the end.
func localOffset(r io.Reader, n int64) (off int64, ok bool, err error) {
	if n == 0 {
		return 0, true, nil
	}
	var sent int64
	buf := make([]byte, 32*1024)
	for {
		k, err := r.Read(buf)
		for _, b := range buf[:k] {
			off++
			if b == '\n' {
				sent += 2
			} else {
				sent++
			}
			if sent == n {
				return off, true, nil
			}
			if sent > n {
				return 0, false, nil
			}
		}
		if err == io.EOF {
			return 0, false, nil
		}
		if err != nil {
			return 0, false, err
		}
	}
}
