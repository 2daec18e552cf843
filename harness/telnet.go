package harness

import (
	"fmt"
	"net"
	"syscall"
	"time"
)

// Telnet bytes of the control connection (RFC 854), as RFC 959 §4.1.3 uses them before ABOR and
// STAT during a transfer.
const (
	telnetIAC = 255 // Interpret As Command
	telnetIP  = 244 // Interrupt Process
	telnetDM  = 242 // Data Mark: the end of a Synch
)

// SendInterrupt sends the Telnet "Interrupt Process" signal and then the Telnet "Synch" signal,
// as RFC 959 §4.1.3 asks of a client before ABOR (and STAT) during a transfer: IAC IP IAC in
// the normal stream, then DM as TCP urgent data, so that a server busy with the transfer is told
// to look at the control connection. Over TLS there is no urgent data: the bytes go inline and
// the transcript says so.
func (c *Conn) SendInterrupt() error {
	if c.closed {
		return fmt.Errorf("the control connection is already closed")
	}
	tcp, plain := c.nc.(*net.TCPConn)
	if !plain {
		c.rec.note(c.id, "Telnet IP and Synch sent inline: TLS has no TCP urgent data")
		return c.write([]byte{telnetIAC, telnetIP, telnetIAC, telnetDM}, "IAC IP IAC DM")
	}
	if err := c.write([]byte{telnetIAC, telnetIP, telnetIAC}, "IAC IP IAC"); err != nil {
		return err
	}
	rc, err := tcp.SyscallConn()
	if err != nil {
		return err
	}
	c.rec.add(c.id, Sent, "DM (TCP urgent data: the Synch)")
	var serr error
	tcp.SetWriteDeadline(time.Now().Add(c.budget()))
	err = rc.Write(func(fd uintptr) bool {
		serr = syscall.Sendto(int(fd), []byte{telnetDM}, syscall.MSG_OOB, nil)
		return serr != syscall.EAGAIN
	})
	if err == nil {
		err = serr
	}
	if err != nil {
		c.rec.note(c.id, "sending the urgent DM failed: %v", err)
	}
	return err
}
