//go:build !unix

package cmd

import "errors"

// raiseFileLimit knows no limit on open files on this system.
func raiseFileLimit(int) (int, error) { return 0, errors.ErrUnsupported }
