package interop

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// ensureCertificate makes a self-signed certificate for 127.0.0.1 in dir, once, and returns the
// paths of the certificate, the key, and both in one file (Pure-FTPd and pyftpdlib read that).
// RSA, since every server's TLS library takes it.
func ensureCertificate(dir string) (cert, key, both string, err error) {
	cert, key, both = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "cert-and-key.pem")
	if _, err := os.Stat(both); err == nil {
		return cert, key, both, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", "", err
	}
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", "", err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "ftpconform interop", Organization: []string{"ftpconform"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		return "", "", "", err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
	for _, f := range []struct {
		name string
		data []byte
	}{{cert, certPEM}, {key, keyPEM}, {both, append(append([]byte{}, certPEM...), keyPEM...)}} {
		if err := os.WriteFile(f.name, f.data, 0o600); err != nil {
			return "", "", "", err
		}
	}
	return cert, key, both, nil
}
