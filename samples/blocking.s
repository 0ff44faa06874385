// blocking.s — a goroutine blocks in a syscall and sysmon hands its P to another thread.
// Run with GOMAXPROCS=2 (the default launch configuration). This is what `npm start` traces.
//
// The story, step by step:
//  1. main (G1) makes a pipe and starts two goroutines: a worker that computes for a while and a
//     writer that computes a little, then writes one byte into the pipe.
//     A spinning M (M2) starts on the idle P1 and steals the worker.
//  2. G1 reads from the empty pipe through syscall·Syscall: entersyscall puts G1 in _Gsyscall and
//     P0 in _Psyscall, then the read blocks in the kernel, and M0 with it.
//  3. sysmon (M1, no P) wakes every 20 µs. After a whole tick with P0 still in the same syscall and
//     the writer waiting in P0's run queue, retake takes P0 (_Psyscall → _Pidle) and handoffp
//     starts a new M (M3) on it, which runs the writer.
//  4. The writer writes the pipe: the kernel wakes M0, whose read returns.
//  5. exitsyscall: P0 now belongs to M3 and no P is idle, so the fast path fails. exitsyscall0 puts
//     G1 on the global run queue (_Grunnable) and M0 stops (stopm).
//  6. When the writer finishes, M3's scheduler finds G1 on the global queue and runs it; G1 prints
//     and main returns: exit status 0.

#include "textflag.h"

#define SYS_read	0
#define SYS_write	1
#define SYS_pipe2	293

// The pipe's two descriptors (int32 each): fds[0] reads, fds[1] writes; -1 until pipe2 fills them.
DATA	·fds+0(SB)/8, $-1
GLOBL	·fds(SB), NOPTR, $8
// One byte of buffer for the read.
DATA	·buf+0(SB)/8, $0
GLOBL	·buf(SB), NOPTR, $8

DATA	msg<>+0(SB)/8, $"main: re"
DATA	msg<>+8(SB)/8, $"ad the b"
DATA	msg<>+16(SB)/8, $"yte the "
DATA	msg<>+24(SB)/8, $"writer w"
DATA	msg<>+32(SB)/5, $"rote\n"
GLOBL	msg<>(SB), RODATA|NOPTR, $37

DATA	x<>+0(SB)/1, $"x"
GLOBL	x<>(SB), RODATA|NOPTR, $1

// Function values for the go statements (a funcval's first word is the code pointer).
DATA	·workerPC+0(SB)/8, $·worker(SB)
GLOBL	·workerPC(SB), RODATA, $8
DATA	·writerPC+0(SB)/8, $·writer(SB)
GLOBL	·writerPC(SB), RODATA, $8

// func main()
TEXT ·main(SB), $56-0
	// pipe2(&fds, 0): a RawSyscall, as Go's syscall.Pipe2 does (it never blocks).
	MOVQ	$SYS_pipe2, 0(SP)
	LEAQ	·fds(SB), AX
	MOVQ	AX, 8(SP)
	MOVQ	$0, 16(SP)
	MOVQ	$0, 24(SP)
	CALL	syscall·RawSyscall(SB)

	// go worker()
	LEAQ	·workerPC(SB), AX
	MOVQ	AX, 0(SP)
	CALL	runtime·newproc(SB)

	// go writer()
	LEAQ	·writerPC(SB), AX
	MOVQ	AX, 0(SP)
	CALL	runtime·newproc(SB)

	// read(fds[0], &buf, 1): blocks until the writer writes.
	MOVQ	$SYS_read, 0(SP)
	MOVL	·fds+0(SB), AX
	MOVQ	AX, 8(SP)
	LEAQ	·buf(SB), AX
	MOVQ	AX, 16(SP)
	MOVQ	$1, 24(SP)
	CALL	syscall·Syscall(SB)

	// write(1, msg, 37)
	MOVQ	$SYS_write, 0(SP)
	MOVQ	$1, 8(SP)
	LEAQ	msg<>(SB), AX
	MOVQ	AX, 16(SP)
	MOVQ	$37, 24(SP)
	CALL	syscall·Syscall(SB)
	RET

// func worker(): computes long enough to keep its P busy for the whole story, then returns
// (into runtime·goexit: the goroutine ends).
TEXT ·worker(SB), NOSPLIT, $0-0
	MOVQ	$400000, CX
loop:
	DECQ	CX
	JNZ	loop
	RET

// func writer(): computes for a while (so G1 is well asleep in read), writes one byte into the
// pipe, then computes some more (so no P is free when G1 comes back).
TEXT ·writer(SB), $56-0
	MOVQ	$60000, CX
before:
	DECQ	CX
	JNZ	before

	MOVQ	$SYS_write, 0(SP)
	MOVL	·fds+4(SB), AX
	MOVQ	AX, 8(SP)
	LEAQ	x<>(SB), AX
	MOVQ	AX, 16(SP)
	MOVQ	$1, 24(SP)
	CALL	syscall·Syscall(SB)

	MOVQ	$150000, CX
after:
	DECQ	CX
	JNZ	after
	RET
