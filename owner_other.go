//go:build !unix

package main

import "os"

// keepOwner does nothing where files have no Unix owner and group.
func keepOwner(string, os.FileInfo) error { return nil }
