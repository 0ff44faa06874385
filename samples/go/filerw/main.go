// Write a file and read it back through the os package.
//
// What to watch: openat/write/close then openat/read/close, each wrapped in entersyscall/exitsyscall
// (fast path: the P is still _Psyscall when the short syscall returns, so exitsyscallfast takes it back).
package main

import (
	"fmt"
	"os"
)

func main() {
	path := "gosyscall-filerw.txt" // in the working directory (the sandbox root; writes go to its overlay)
	if err := os.WriteFile(path, []byte("hello from a real Go program\n"), 0o644); err != nil {
		fmt.Println("write:", err)
		os.Exit(1)
	}
	data, err := os.ReadFile(path) // watch: read(fd, buf, n) returns the bytes written above, then 0 (EOF)
	if err != nil {
		fmt.Println("read:", err)
		os.Exit(1)
	}
	fmt.Print(string(data))
	os.Remove(path)
}
