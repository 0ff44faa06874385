// Raw system calls with syscall.Syscall6 and syscall.RawSyscall.
//
// What to watch: at each SYSCALL the number is in AX and the arguments in DI, SI, DX, R10, R8, R9.
// Syscall6 goes through runtime.entersyscall/exitsyscall (G -> _Gsyscall); RawSyscall does not (no state change).
package main

import (
	"syscall"
	"unsafe"
)

func main() {
	msg := []byte("hello via Syscall6\n")
	// write(1, msg, len): AX=1, DI=1, SI=&msg[0], DX=len(msg)
	syscall.Syscall6(syscall.SYS_WRITE, 1, uintptr(unsafe.Pointer(&msg[0])), uintptr(len(msg)), 0, 0, 0)
	// getpid: AX=39, no arguments; RawSyscall skips entersyscall, so the G stays _Grunning
	pid, _, _ := syscall.RawSyscall(syscall.SYS_GETPID, 0, 0, 0)
	// a failing call: close(-1) returns -EBADF in AX (r1 = -9), errno EBADF
	_, _, errno := syscall.Syscall6(syscall.SYS_CLOSE, ^uintptr(0), 0, 0, 0, 0, 0)
	out := []byte("pid ok, close(-1) errno: " + errno.Error() + "\n")
	if pid == 0 {
		out = []byte("getpid returned 0\n")
	}
	syscall.Syscall6(syscall.SYS_WRITE, 1, uintptr(unsafe.Pointer(&out[0])), uintptr(len(out)), 0, 0, 0)
}
