//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts a worker in its own process group, so that Ctrl-C reaches the parent
// alone; the parent then interrupts each worker once, and ginkgo winds it up cleanly (a
// second interrupt would make ginkgo exit without its report).
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
