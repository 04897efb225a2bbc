package exec

import "syscall"

// dieWithParent makes a child process get SIGKILL when nasgc dies, even by
// SIGKILL, so that a killed search leaves no candidate running that would
// race with the resumed one over its trial directory.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
