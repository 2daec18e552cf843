package refserver

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// RFC 1639: LPRT and LPSV, PORT and PASV with "long" addresses: af,hal,h1,...,pal,p1,p2, all
// decimal bytes. Address family 4 is IPv4 (4 address bytes), 6 is IPv6 (16); the port is 2
// bytes. Other families get 521 with the supported ones.

// The replies RFC 1639 adds.
const (
	codeLongPassive = 228 // §3: "Entering Long Passive Mode (af, hal, h1, h2, h3,..., pal, p1, p2...)"
	codeBadFamily   = 521 // §4: "Supported address families are (af1, af2, ..., afn)"
)

// Address families of RFC 1639 §2 (the IP version numbers) this server supports.
const (
	afIPv4 = 4
	afIPv6 = 6
)

// longAddress formats af,hal,h1,...,pal,p1,p2.
func longAddress(ip net.IP, port int) string {
	af, addr := afIPv6, ip.To16()
	if ip4 := ip.To4(); ip4 != nil {
		af, addr = afIPv4, ip4
	}
	parts := []string{strconv.Itoa(af), strconv.Itoa(len(addr))}
	for _, b := range addr {
		parts = append(parts, strconv.Itoa(int(b)))
	}
	parts = append(parts, "2", strconv.Itoa(port>>8), strconv.Itoa(port&0xFF))
	return strings.Join(parts, ",")
}

// errFamily is an address family this server does not support (521).
var errFamily = errors.New("unsupported address family")

// parseLongAddress reads af,hal,h1,...,pal,p1,p2.
func parseLongAddress(arg string) (net.IP, int, error) {
	var n []int
	for _, f := range strings.Split(strings.TrimSpace(arg), ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 0 || v > 255 {
			return nil, 0, fmt.Errorf("%q is not a number from 0 to 255", f)
		}
		n = append(n, v)
	}
	if len(n) < 2 {
		return nil, 0, fmt.Errorf("expected af,hal,h1,...,pal,p1,p2")
	}
	af, hal := n[0], n[1]
	if af != afIPv4 && af != afIPv6 {
		return nil, 0, errFamily
	}
	if want := map[int]int{afIPv4: 4, afIPv6: 16}[af]; hal != want {
		return nil, 0, fmt.Errorf("address family %d has %d address bytes, not %d", af, want, hal)
	}
	if len(n) != 2+hal+3 || n[2+hal] != 2 {
		return nil, 0, fmt.Errorf("expected af,hal,h1,...,pal,p1,p2 with a 2-byte port")
	}
	ip := make(net.IP, hal)
	for i := range ip {
		ip[i] = byte(n[2+i])
	}
	return ip, n[3+hal]<<8 | n[4+hal], nil
}

// LPRT (RFC 1639 §2): 200 as PORT; 521 for an address family other than 4 and 6; 501 for
// anything else wrong, including an address other than the client's (RFC 2577 §3 as for EPRT).
func cmdLPRT(s *session, arg string) {
	if s.refusedAfterEPSVAll() {
		return
	}
	ip, port, err := parseLongAddress(arg)
	switch {
	case errors.Is(err, errFamily) && !s.srv.faults.has(faultLPRTFamily501):
		s.reply(codeBadFamily, "Supported address families are (%d, %d)", afIPv4, afIPv6)
	case err != nil:
		s.reply(codeBadArguments, "LPRT: %v.", err)
	default:
		if s.srv.faults.has(faultLPRTPortSwapped) {
			port = faultySwap(port)
		}
		s.setActive(ip, port, codeBadArguments)
	}
}

// LPSV (RFC 1639 §3): 228 with the listening address, the control connection's local one.
func cmdLPSV(s *session, _ string) {
	if s.refusedAfterEPSVAll() {
		return
	}
	ip := ipOf(s.conn.LocalAddr())
	port, ok := s.passive()
	if !ok {
		return
	}
	if s.srv.faults.has(faultLPSVPortSwapped) {
		port = faultySwap(port)
	}
	s.reply(codeLongPassive, "Entering Long Passive Mode (%s)", longAddress(ip, port))
}
