//go:build unix

package main

import (
	"os"
	"syscall"
)

// keepOwner gives path the owner and group of info's file, so a config that
// a service reads through its group stays readable after a rewrite.
func keepOwner(path string, info os.FileInfo) error {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	return os.Chown(path, int(st.Uid), int(st.Gid))
}
