// raw.s — calls that never tell the scheduler: syscall·RawSyscall and the runtime's own write.
//
// What to watch: getpid through RawSyscall and a write through runtime·write1 both reach SYSCALL
// without runtime·entersyscall / exitsyscall. G1 stays _Grunning and P0 stays _Prunning the whole
// time: the trace shows the two syscalls and no gstatus or pstatus event at all. Go uses raw calls
// for syscalls that cannot block, and the runtime's own low-level calls (write1, futex, nanosleep,
// mmap) never go through entersyscall either. The price: if one of them did block, its P would be
// stuck with it, since sysmon only retakes Ps in _Psyscall.

#include "textflag.h"

#define SYS_getpid	39

DATA	msg<>+0(SB)/8, $"raw writ"
DATA	msg<>+8(SB)/8, $"e, no sc"
DATA	msg<>+16(SB)/8, $"heduler\n"
GLOBL	msg<>(SB), RODATA|NOPTR, $24

// func main()
TEXT ·main(SB), $56-0
	// pid, _, _ := syscall.RawSyscall(SYS_getpid, 0, 0, 0)
	MOVQ	$SYS_getpid, 0(SP)
	MOVQ	$0, 8(SP)
	MOVQ	$0, 16(SP)
	MOVQ	$0, 24(SP)
	CALL	syscall·RawSyscall(SB)
	MOVQ	32(SP), AX	// r1: the pid

	// runtime·write1(2, &msg, 24): the way the runtime prints (panics, println) — to stderr.
	MOVQ	$2, 0(SP)	// fd
	LEAQ	msg<>(SB), AX
	MOVQ	AX, 8(SP)	// p
	MOVL	$24, 16(SP)	// n (int32)
	CALL	runtime·write1(SB)
	RET
