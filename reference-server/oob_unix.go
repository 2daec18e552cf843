//go:build unix

package refserver

import (
	"log/slog"
	"net"
	"syscall"
)

// setOOBInline makes urgent data arrive in the normal stream. Clients send the Telnet Synch
// before ABOR as urgent data (RFC 959 §4.1.3), and python's ftplib sends the whole "ABOR\r\n"
// with MSG_OOB: without SO_OOBINLINE its last byte would be taken out of band and lost. Go's
// net package has no urgent-data API, hence the raw socket option.
func setOOBInline(c net.Conn, log *slog.Logger) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return
	}
	var serr error
	err = raw.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_OOBINLINE, 1)
	})
	if err == nil {
		err = serr
	}
	if err != nil {
		log.Warn("SO_OOBINLINE not set: urgent data before ABOR may be lost", "err", err)
	}
}
