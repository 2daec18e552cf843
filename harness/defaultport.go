package harness

import (
	"context"
	"net"
	"syscall"
)

// reuseAddr sets SO_REUSEADDR on a socket before it binds.
func reuseAddr(_, _ string, rc syscall.RawConn) error {
	var serr error
	err := rc.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
	})
	if err != nil {
		return err
	}
	return serr
}

// ListenDefaultPort listens on the control connection's own local address and port: RFC 959
// §3.2's default data port ("the user-process default data port is the same as the control
// connection port (i.e., U)"), where a server connects when no PORT or PASV was given.
func (c *Conn) ListenDefaultPort() (net.Listener, error) {
	lc := net.ListenConfig{Control: reuseAddr}
	ln, err := lc.Listen(context.Background(), "tcp", c.LocalAddr().String())
	if err != nil {
		return nil, err
	}
	c.rec.note(c.id, "listening on the default data port %s", ln.Addr())
	return ln, nil
}
