// block-known.s — runtime·entersyscallblock: a syscall known to block hands its P off at once.
// Run with GOMAXPROCS=1 (its launch configuration) so the hand-off is the only way the other
// goroutine can run.
//
// What to watch: main starts a goroutine, then sleeps 1 ms in nanosleep, bracketed by
// entersyscallblock and exitsyscall instead of entersyscall. entersyscallblock does not leave
// the P in _Psyscall for sysmon: releasep makes P0 _Pidle right away and handoffp starts a new M
// (M2) on it, because the other goroutine is waiting in P0's run queue. That M runs it while main
// sleeps. When the sleep ends, exitsyscall has no old P to go back to (entersyscallblock gave it
// away), so it takes an idle P (fast-idle-p) if the other goroutine is done, or the slow path.

#include "textflag.h"

#define SYS_write	1
#define SYS_nanosleep	35

// struct timespec { 0 s, 1 000 000 ns }
DATA	ts<>+0(SB)/8, $0
DATA	ts<>+8(SB)/8, $1000000
GLOBL	ts<>(SB), RODATA|NOPTR, $16

DATA	hello<>+0(SB)/8, $"goroutin"
DATA	hello<>+8(SB)/8, $"e ran wh"
DATA	hello<>+16(SB)/8, $"ile main"
DATA	hello<>+24(SB)/8, $" slept\n\n"
GLOBL	hello<>(SB), RODATA|NOPTR, $32

DATA	done<>+0(SB)/8, $"main wok"
DATA	done<>+8(SB)/8, $"e up\n\n\n\n"
GLOBL	done<>(SB), RODATA|NOPTR, $16

DATA	·otherPC+0(SB)/8, $·other(SB)
GLOBL	·otherPC(SB), RODATA, $8

// func main()
TEXT ·main(SB), $24-0
	// go other()
	LEAQ	·otherPC(SB), AX
	MOVQ	AX, 0(SP)
	CALL	runtime·newproc(SB)

	// A known-blocking call, written out by hand: entersyscallblock; nanosleep(&ts, nil); exitsyscall.
	CALL	runtime·entersyscallblock(SB)
	MOVQ	$SYS_nanosleep, AX
	LEAQ	ts<>(SB), DI
	MOVQ	$0, SI
	SYSCALL
	CALL	runtime·exitsyscall(SB)

	// write(1, "main woke up\n", 13), directly (a short write needs no scheduler)
	MOVQ	$SYS_write, AX
	MOVQ	$1, DI
	LEAQ	done<>(SB), SI
	MOVQ	$13, DX
	SYSCALL
	RET

// func other()
TEXT ·other(SB), $56-0
	// write(1, "goroutine ran while main slept\n", 31) through Syscall
	MOVQ	$SYS_write, 0(SP)
	MOVQ	$1, 8(SP)
	LEAQ	hello<>(SB), AX
	MOVQ	AX, 16(SP)
	MOVQ	$31, 24(SP)
	CALL	syscall·Syscall(SB)
	RET
