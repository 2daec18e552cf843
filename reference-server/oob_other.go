//go:build !unix

package refserver

import (
	"log/slog"
	"net"
)

// setOOBInline is a no-op where the socket option is not available.
func setOOBInline(net.Conn, *slog.Logger) {}
