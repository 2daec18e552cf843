package harness

import (
	"strings"
	"testing"
)

// Reading replies is on every step of every scenario: its cost belongs in a benchmark.

func benchmarkReplies(b *testing.B, reply string) {
	stream := strings.Repeat(reply, 1000)
	b.SetBytes(int64(len(stream)))
	for range b.N {
		rr := newReplyReader(strings.NewReader(stream))
		for range 1000 {
			if _, err := rr.read(); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkReadSingleLineReply(b *testing.B) {
	benchmarkReplies(b, "200 Command okay.\r\n")
}

func BenchmarkReadMultiLineReply(b *testing.B) {
	benchmarkReplies(b, "211-Features:\r\n MDTM\r\n MLST type*;size*;modify*;\r\n SIZE\r\n UTF8\r\n211 End\r\n")
}
