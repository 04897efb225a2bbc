//go:build !linux

package exec

import "syscall"

func dieWithParent() *syscall.SysProcAttr { return nil }
