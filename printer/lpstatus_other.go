//go:build !linux

package printer

import "os"

// lpPaperOut: only Linux's usblp reports a port status.
func lpPaperOut(*os.File) bool { return false }
