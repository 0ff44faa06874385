// hello.s — write(1, "hello, world\n", 13) through syscall·Syscall, the way a Go program's
// fmt.Println reaches the kernel.
//
// What to watch: Syscall calls runtime·entersyscall (G1 _Grunning → _Gsyscall, P0 _Prunning →
// _Psyscall), then the SYSCALL instruction (RAX = 1, write; RDI, RSI, RDX = fd, buffer, length), then
// runtime·exitsyscall, which takes the fast path: P0 is still _Psyscall, so G1 takes it straight
// back (P0 → _Prunning, G1 → _Grunning) without the scheduler.

#include "textflag.h"

#define SYS_write 1

// The message, in read-only data.
DATA	msg<>+0(SB)/8, $"hello, w"
DATA	msg<>+8(SB)/5, $"orld\n"
GLOBL	msg<>(SB), RODATA|NOPTR, $13

// func main()
// Frame: 56 bytes of outgoing arguments for Syscall(trap, a1, a2, a3) (r1, r2, err).
TEXT ·main(SB), $56-0
	MOVQ	$SYS_write, 0(SP)	// trap
	MOVQ	$1, 8(SP)	// a1: fd 1, standard output
	LEAQ	msg<>(SB), AX
	MOVQ	AX, 16(SP)	// a2: the buffer
	MOVQ	$13, 24(SP)	// a3: its length
	CALL	syscall·Syscall(SB)
	// r1 (bytes written) is at 32(SP), err at 48(SP).
	RET	// main returns: the program exits with status 0
