//go:build unix

package refserver

import (
	"io/fs"
	"strconv"
	"syscall"
)

// uniqueID is the unique fact (RFC 3659 §7.5.2): the device and inode, the same for every name
// of one file.
func uniqueID(fi fs.FileInfo) (string, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "", false
	}
	return strconv.FormatUint(uint64(st.Dev), 16) + "U" + strconv.FormatUint(uint64(st.Ino), 16), true
}
