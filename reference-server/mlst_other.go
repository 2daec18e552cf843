//go:build !unix

package refserver

import "io/fs"

// uniqueID has no portable source outside Unix: the unique fact is left out.
func uniqueID(fs.FileInfo) (string, bool) { return "", false }
