package refserver

import (
	"crypto/tls"
	"errors"
	"net"
	"sync"
	"time"
)

// TLS on the data connections (RFC 4217 §7-§10): PROT P protects them, the server being the TLS
// server whichever side connected, and the policies of §10.2 refuse what does not fit.

// dataProtectionRefused answers 521 when the policy requires PROT P and it is not in force.
// RFC 4217 §10.2: checked on the command that opens the data connection, before any 1yz.
func (s *session) dataProtectionRefused() bool {
	if s.srv.cfg.RequireProtectedData && !s.tls.private {
		s.reply(codeProtSetting, "Data connection cannot be opened with this PROT setting: this server requires PROT P.")
		return true
	}
	return false
}

// dataTLS is the TLS configuration for the next data connection; nil for PROT C. It issues no
// TLS 1.3 session tickets unless the policy needs data connections to resume sessions: a client
// that only writes (an upload) never reads a ticket, and closing a socket with unread input
// resets it, which can cut off the end of the upload.
func (s *session) dataTLS() *tls.Config {
	if !s.tls.private || s.srv.faults.has(faultProtPClear) {
		return nil
	}
	conf := s.tls.dataConf
	if s.srv.cfg.TLSSessionReuse {
		conf = s.tlsConfig()
	} else if conf == nil {
		conf = s.tlsConfig().Clone()
		conf.SessionTicketsDisabled = true
		s.tls.dataConf = conf
	}
	return s.faultyDataTLS(conf)
}

// faultyDataTLS applies the faults of the data connection's TLS configuration.
func (s *session) faultyDataTLS(conf *tls.Config) *tls.Config {
	if s.srv.faults.has(faultDataOtherCert) {
		conf = conf.Clone()
		cert, _ := otherCertificate()
		conf.Certificates = []tls.Certificate{cert}
	}
	s.mu.Lock()
	active := s.data.ln == nil && s.data.conn == nil // PORT, EPRT or the default data port
	s.mu.Unlock()
	if active && s.srv.faults.has(faultProtActiveClient) {
		conf = conf.Clone()
		conf.ServerName = faultTLSClientRole
	}
	return conf
}

// faultTLSClientRole marks the configuration of a data connection on which the server acts as
// the TLS client (prot-active-tls-client).
const faultTLSClientRole = "fault.tls-client-role.invalid"

// otherCertificate is the certificate of data-other-certificate, made once.
var otherCertificate = sync.OnceValues(selfSigned)

// secureData starts TLS on a transfer's data connection (PROT P, RFC 4217 §9), after the 1yz
// (§12.6, §12.7). The server is the TLS server whichever side connected (§7). When the handshake
// fails, or the policy wants the control connection's TLS session resumed and it was not, the
// transfer ends with 522 (§10.2) and secureData returns false.
func (x *transfer) secureData(conn *net.Conn, conf *tls.Config) bool {
	if conf == nil {
		return true
	}
	if _, ok := (*conn).(*tls.Conn); ok {
		return true // a data connection kept open from the previous transfer
	}
	tc := tls.Server(*conn, conf)
	if conf.ServerName == faultTLSClientRole {
		tc = tls.Client(*conn, &tls.Config{InsecureSkipVerify: true})
	}
	_ = tc.SetDeadline(time.Now().Add(x.s.srv.cfg.DataTimeout.D()))
	err := tc.HandshakeContext(x.ctx)
	_ = tc.SetDeadline(time.Time{})
	why, code := "TLS negotiation failed", codeDataTLSFailed
	if err == nil && x.s.srv.cfg.TLSSessionReuse && !tc.ConnectionState().DidResume {
		err = errors.New("new TLS session")
		why = "TLS session reuse required: the data connection must resume the control connection's TLS session"
		if x.s.srv.faults.has(faultSessionReuse425) {
			code = codeCantOpenData
		}
	}
	if err != nil && x.s.srv.faults.has(faultDataTLSFailure226) {
		code, why = codeClosingData, "Transfer complete"
	}
	if err != nil {
		x.s.log.Info("TLS on the data connection failed", "cmd", x.cmd, "err", err)
		(*conn).Close()
		x.finished.Store(true)
		if x.aborted.Load() {
			x.reply(codeTransferAborted, "Transfer aborted during the TLS handshake.")
		} else {
			x.reply(code, "%s; transfer aborted.", why)
		}
		return false
	}
	x.s.logTLS("TLS on the data connection", tc)
	*conn = tc
	return true
}
