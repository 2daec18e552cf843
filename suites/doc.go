// Package suites holds the conformance scenarios, one file per RFC section, named after it.
// Spec files are ordinary Go files so that cmd/ftpconform links them into one binary.
package suites
