// Go Syscall Stepper's syscall library for model programs: the four entry points of Go's syscall
// package as they were written in assembly up to Go 1.18 (syscall/asm_linux_amd64.s), with Go's ABI0
// signatures. Our own text. Since Go 1.19 the first two are Go code that ends in the same SYSCALL.
//
// Arguments and results live in the caller's frame (ABI0): trap+0(FP), a1+8(FP), ... The kernel takes
// the number in AX and up to six arguments in DI, SI, DX, R10, R8, R9; it returns the result in AX
// (and a second one in DX). A result in -4095..-1 is -errno.

#include "textflag.h"

// func Syscall(trap, a1, a2, a3 uintptr) (r1, r2 uintptr, err Errno)
// A syscall that may block: the runtime is told before and after, so the goroutine's P can be
// handed to another M while this one waits in the kernel.
TEXT syscall·Syscall(SB),NOSPLIT,$0-56
	CALL	runtime·entersyscall(SB)	// G: _Grunning → _Gsyscall, P: _Prunning → _Psyscall
	MOVQ	a1+8(FP), DI
	MOVQ	a2+16(FP), SI
	MOVQ	a3+24(FP), DX
	MOVQ	trap+0(FP), AX	// the syscall number
	SYSCALL
	CMPQ	AX, $0xfffffffffffff001	// unsigned: at or above -4095 means -errno
	JLS	ok
	MOVQ	$-1, r1+32(FP)
	MOVQ	$0, r2+40(FP)
	NEGQ	AX
	MOVQ	AX, err+48(FP)
	CALL	runtime·exitsyscall(SB)	// back to _Grunning, with a P (fast or slow path)
	RET
ok:
	MOVQ	AX, r1+32(FP)
	MOVQ	DX, r2+40(FP)
	MOVQ	$0, err+48(FP)
	CALL	runtime·exitsyscall(SB)
	RET

// func Syscall6(trap, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2 uintptr, err Errno)
// The same with six arguments: a4..a6 go in R10, R8 and R9 (not RCX: SYSCALL overwrites RCX).
TEXT syscall·Syscall6(SB),NOSPLIT,$0-80
	CALL	runtime·entersyscall(SB)
	MOVQ	a1+8(FP), DI
	MOVQ	a2+16(FP), SI
	MOVQ	a3+24(FP), DX
	MOVQ	a4+32(FP), R10
	MOVQ	a5+40(FP), R8
	MOVQ	a6+48(FP), R9
	MOVQ	trap+0(FP), AX
	SYSCALL
	CMPQ	AX, $0xfffffffffffff001
	JLS	ok6
	MOVQ	$-1, r1+56(FP)
	MOVQ	$0, r2+64(FP)
	NEGQ	AX
	MOVQ	AX, err+72(FP)
	CALL	runtime·exitsyscall(SB)
	RET
ok6:
	MOVQ	AX, r1+56(FP)
	MOVQ	DX, r2+64(FP)
	MOVQ	$0, err+72(FP)
	CALL	runtime·exitsyscall(SB)
	RET

// func RawSyscall(trap, a1, a2, a3 uintptr) (r1, r2 uintptr, err Errno)
// For calls that never block (getpid, pipe2, ...): no entersyscall/exitsyscall, so the scheduler
// does not see them and the goroutine keeps its P in _Prunning.
TEXT syscall·RawSyscall(SB),NOSPLIT,$0-56
	MOVQ	a1+8(FP), DI
	MOVQ	a2+16(FP), SI
	MOVQ	a3+24(FP), DX
	MOVQ	trap+0(FP), AX
	SYSCALL
	CMPQ	AX, $0xfffffffffffff001
	JLS	rok
	MOVQ	$-1, r1+32(FP)
	MOVQ	$0, r2+40(FP)
	NEGQ	AX
	MOVQ	AX, err+48(FP)
	RET
rok:
	MOVQ	AX, r1+32(FP)
	MOVQ	DX, r2+40(FP)
	MOVQ	$0, err+48(FP)
	RET

// func RawSyscall6(trap, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2 uintptr, err Errno)
TEXT syscall·RawSyscall6(SB),NOSPLIT,$0-80
	MOVQ	a1+8(FP), DI
	MOVQ	a2+16(FP), SI
	MOVQ	a3+24(FP), DX
	MOVQ	a4+32(FP), R10
	MOVQ	a5+40(FP), R8
	MOVQ	a6+48(FP), R9
	MOVQ	trap+0(FP), AX
	SYSCALL
	CMPQ	AX, $0xfffffffffffff001
	JLS	rok6
	MOVQ	$-1, r1+56(FP)
	MOVQ	$0, r2+64(FP)
	NEGQ	AX
	MOVQ	AX, err+72(FP)
	RET
rok6:
	MOVQ	AX, r1+56(FP)
	MOVQ	DX, r2+64(FP)
	MOVQ	$0, err+72(FP)
	RET

// func write1(fd uintptr, p unsafe.Pointer, n int32) int32
// The runtime's own write, in the style of runtime/sys_linux_amd64.s: a bare SYSCALL that returns
// the raw result (-errno on failure). The runtime uses calls like this for its own I/O (panics,
// print): they never go through entersyscall, so no G or P changes state.
TEXT runtime·write1(SB),NOSPLIT,$0-28
	MOVQ	fd+0(FP), DI
	MOVQ	p+8(FP), SI
	MOVL	n+16(FP), DX
	MOVL	$1, AX	// SYS_write
	SYSCALL
	MOVL	AX, ret+24(FP)
	RET
