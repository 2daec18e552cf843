package refserver

import (
	"bufio"
	"errors"
	"io"
)

// Telnet bytes (RFC 854) that can appear on the control connection.
const (
	telnetIAC  = 255 // interpret as command
	telnetDONT = 254
	telnetDO   = 253
	telnetWONT = 252
	telnetWILL = 251
	telnetSB   = 250 // subnegotiation begins
	telnetSE   = 240 // subnegotiation ends
)

// maxCommandLine bounds a command line, so that memory stays bounded whatever a client sends.
const maxCommandLine = 4096

// errLineTooLong reports a command line longer than maxCommandLine; the rest of the line has
// been read and dropped.
var errLineTooLong = errors.New("command line too long")

// cmdReader reads command lines from the control connection. It removes Telnet commands
// (RFC 959 §4.1.3: clients send IP and Synch before ABOR; with SO_OOBINLINE the urgent DM byte
// arrives inline), turns IAC IAC into one 255 byte, and accepts CRLF or a bare LF as the end.
// A CR in a pathname comes padded with a NUL, which "MUST be stripped away" (RFC 2640 §3.1):
// CR NUL is a CR, and an LF right after it belongs to the pathname, as in the RFC's
// "STOR foo<CR><NUL><LF>boo.bar".
type cmdReader struct {
	br *bufio.Reader
}

func newCmdReader(r io.Reader) *cmdReader { return &cmdReader{br: bufio.NewReaderSize(r, 4096)} }

// readLine returns the next command line without its line end.
func (r *cmdReader) readLine() (string, error) {
	var line []byte
	tooLong := false
	add := func(b byte) {
		if len(line) < maxCommandLine {
			line = append(line, b)
		} else {
			tooLong = true
		}
	}
	var afterCR, afterPaddedCR bool // what the previous bytes were
	for {
		b, err := r.br.ReadByte()
		if err != nil {
			if err == io.EOF && len(line) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return "", err
		}
		wasCR, wasPaddedCR := afterCR, afterPaddedCR
		afterCR, afterPaddedCR = b == '\r', false
		switch {
		case b == '\n' && wasPaddedCR:
			add(b)
		case b == '\n':
			if tooLong {
				return "", errLineTooLong
			}
			if n := len(line); n > 0 && line[n-1] == '\r' {
				line = line[:n-1]
			}
			return string(line), nil
		case b == 0 && wasCR:
			afterPaddedCR = true // the padding: dropped
		case b == telnetIAC:
			c, err := r.br.ReadByte()
			if err != nil {
				return "", err
			}
			switch {
			case c == telnetIAC:
				add(telnetIAC)
			case c >= telnetWILL && c <= telnetDONT:
				if _, err := r.br.ReadByte(); err != nil { // the option byte
					return "", err
				}
			case c == telnetSB:
				if err := r.skipSubnegotiation(); err != nil {
					return "", err
				}
			default:
				// IP, DM (the Synch's data mark), AO, AYT, NOP...: nothing to keep.
			}
		default:
			add(b)
		}
	}
}

// skipSubnegotiation drops everything up to IAC SE.
func (r *cmdReader) skipSubnegotiation() error {
	prevIAC := false
	for n := 0; ; n++ {
		b, err := r.br.ReadByte()
		if err != nil {
			return err
		}
		if prevIAC && b == telnetSE {
			return nil
		}
		prevIAC = b == telnetIAC && !prevIAC
		if n > maxCommandLine {
			return errLineTooLong
		}
	}
}
