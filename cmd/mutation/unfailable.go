package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// The unfailable file lists the scenarios that no fault of the server can fail, each with the
// reason, so that a reviewer can judge it. One scenario a line, the ID then the reason:
//
//	# comment
//	CONNECT-007  the harness refuses to connect anywhere but loopback; no server reply reaches this check
//
// An entry for a scenario that does not exist, or that a fault does fail, is an error: the
// file must stay true.

// idPattern is a scenario ID: WORD-NNN.
var idPattern = regexp.MustCompile(`^[A-Z][A-Z0-9]*-[0-9]+$`)

// readUnfailable reads the unfailable file; a missing file is an empty list.
func readUnfailable(file string) (map[string]string, error) {
	f, err := os.Open(file)
	if os.IsNotExist(err) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := parseUnfailable(f)
	if err != nil {
		return nil, fmt.Errorf("%s:%v", file, err)
	}
	return m, nil
}

// parseUnfailable parses the file's text; its errors start with the line number.
func parseUnfailable(r io.Reader) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason := line, ""
		if i := strings.IndexAny(line, " \t"); i >= 0 {
			id, reason = line[:i], strings.TrimSpace(line[i:])
		}
		switch {
		case !idPattern.MatchString(id):
			return nil, fmt.Errorf("%d: %q is not a scenario ID (WORD-NNN)", n, id)
		case reason == "":
			return nil, fmt.Errorf("%d: %s has no reason: say why no fault of the server can fail it", n, id)
		case out[id] != "":
			return nil, fmt.Errorf("%d: %s is listed twice", n, id)
		}
		out[id] = reason
	}
	return out, sc.Err()
}
