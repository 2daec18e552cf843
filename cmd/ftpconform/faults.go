package main

import (
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"

	refserver "github.com/ftpconform/ftpconform/reference-server"
)

// --embedded-fault switches on faults of the reference server's catalogue in the embedded
// server, so that anyone can watch the suite fail on a server that breaks a rule; make
// mutation runs every fault of the catalogue this way. The faults are the reference server's
// own, so the flag has no meaning with --target.

// registerFaultFlag adds --embedded-fault to the runner's flags.
func registerFaultFlag(fs *flag.FlagSet, o *options) {
	fs.Var((*stringList)(&o.embeddedFaults), "embedded-fault",
		"switch on a `FAULT` of the embedded reference server, to see the suite fail (repeatable; not with --target; refftpd --list-faults lists them)")
}

// checkEmbeddedFaults refuses faults with a target, and faults the catalogue does not have.
func checkEmbeddedFaults(o options) error {
	if o.embeddedHost != "" && o.settings.HasTarget() {
		return errors.New("--ipv6 chooses the embedded reference server's address; it cannot be used with --target")
	}
	if len(o.embeddedFaults) == 0 {
		return nil
	}
	if o.settings.HasTarget() {
		return errors.New("--embedded-fault breaks the embedded reference server on purpose; it cannot be used with --target")
	}
	var known []string
	for _, f := range refserver.Faults() {
		known = append(known, f.Name)
	}
	for _, name := range o.embeddedFaults {
		if !slices.Contains(known, name) {
			return fmt.Errorf("--embedded-fault %q: no such fault; the catalogue has: %s", name, strings.Join(known, ", "))
		}
	}
	return nil
}
