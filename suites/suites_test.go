package suites

import (
	"context"
	"encoding/json"
	"flag"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ftpconform/ftpconform/harness"
	"github.com/ftpconform/ftpconform/reference-server/embedded"
)

// These flags let `go tool ginkgo -p ./suites -- --target ftp://…` run the scenarios without the
// runner; with no target, the embedded reference server is the target.
var flags = harness.RegisterFlags(flag.CommandLine)

func TestSuites(t *testing.T) {
	// harness registers gomega's fail handler itself, so that failures carry the requirement.
	RunSpecs(t, "ftpconform")
}

var instance *embedded.Instance

var _ = SynchronizedBeforeSuite(func() []byte {
	s, err := flags.Settings()
	Expect(err).NotTo(HaveOccurred())
	if !s.HasTarget() {
		instance, err = embedded.Start(embedded.Options{TLS: s.Target.TLS})
		Expect(err).NotTo(HaveOccurred())
		tlsMode := s.Target.TLS
		s.Target, err = harness.ParseTarget(instance.Target)
		Expect(err).NotTo(HaveOccurred())
		s.Target.TLS = tlsMode
		s.TargetConfig = instance.TargetConfig
	}
	_, err = harness.Probe(s.Target, s.ReplyTimeout)
	Expect(err).NotTo(HaveOccurred())
	return []byte(s.Export())
}, func(b []byte) {
	Expect(json.Unmarshal(b, &harness.Current)).To(Succeed())
})

var _ = SynchronizedAfterSuite(func() {}, func() {
	if instance != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		Expect(instance.Stop(ctx)).To(Succeed())
	}
})
