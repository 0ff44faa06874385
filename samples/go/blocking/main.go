// Blocking read on a pipe with two Ps: the real scheduler's syscall handoff.
//
// main.main blocks in syscall.Read on the read end of a syscall.Pipe; a second goroutine writes to the pipe
// after a short sleep. What to watch:
//   - at the `read` syscall stop: the main goroutine is _Gsyscall and its P is _Psyscall (entersyscall ran);
//   - while the read blocks, sysmon's retake takes the P (_Psyscall -> _Pidle, syscalltick++) and handoffp gives
//     it to another M, which runs the writer goroutine;
//   - when the read returns, exitsyscall finds its old P gone: exitsyscallfast (idle P) or the slow path
//     (exitsyscall0: the G goes to the global run queue and the M stops).
package main

import (
	"fmt"
	"runtime"
	"syscall"
	"time"
)

func main() {
	runtime.GOMAXPROCS(2)
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil {
		fmt.Println("pipe:", err)
		return
	}
	go func() {
		// sysmon notes a syscall on its next tick (at most 10 ms) and retakes the P 10 ms after that when another P
		// is idle: 50 ms is long enough for the handoff to happen before the data arrives
		time.Sleep(50 * time.Millisecond)
		syscall.Write(fds[1], []byte("ping"))
	}()
	fmt.Println("goroutines before read:", runtime.NumGoroutine())
	buf := make([]byte, 16)
	n, err := syscall.Read(fds[0], buf) // blocks: watch G -> _Gsyscall, P -> _Psyscall, then the handoff
	fmt.Printf("read %d bytes %q err=%v\n", n, buf[:n], err)
	fmt.Println("goroutines after read:", runtime.NumGoroutine())
}
