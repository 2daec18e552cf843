package refserver

import (
	"strings"
	"testing"
)

// Throughput belongs in benchmarks, never in timed assertions.

func benchmarkRetr(b *testing.B, typ string) {
	ts := startServer(b, nil)
	data := strings.Repeat("0123456789abcdef0123456789abcde\n", 1<<15) // 1 MiB of text
	ts.write(b, "f", data)
	c := login(b, ts.addr)
	c.expect("TYPE "+typ, 200)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		c.retr("f")
	}
}

func BenchmarkRetrImage(b *testing.B) { benchmarkRetr(b, "I") }
func BenchmarkRetrASCII(b *testing.B) { benchmarkRetr(b, "A") }

func BenchmarkStorImage(b *testing.B) {
	ts := startServer(b, nil)
	data := randomBytes(1 << 20)
	c := login(b, ts.addr)
	c.expect("TYPE I", 200)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		c.stor("f", data)
	}
}

func BenchmarkCommand(b *testing.B) {
	ts := startServer(b, nil)
	c := login(b, ts.addr)
	b.ResetTimer()
	for range b.N {
		c.expect("NOOP", 200)
	}
}
