// syscall6.s — mmap through syscall·Syscall6, the call that uses all six argument registers.
//
// What to watch: at the SYSCALL in Syscall6, RAX = 9 (mmap) and the six arguments sit in RDI, RSI,
// RDX, R10, R8 and R9 (R10, not RCX: the SYSCALL instruction itself overwrites RCX with the return
// address and R11 with RFLAGS). The kernel returns the new page's address in RAX. Around it, the same
// entersyscall / exitsyscall fast path as hello.s. Then the program writes a line into the fresh
// page and prints it with write(2) through Syscall.

#include "textflag.h"

#define SYS_write	1
#define SYS_mmap	9
#define PROT_READ	1
#define PROT_WRITE	2
#define MAP_PRIVATE	0x02
#define MAP_ANONYMOUS	0x20

// func main()
// Frame: 80 bytes of outgoing arguments for Syscall6(trap, a1..a6) (r1, r2, err).
TEXT ·main(SB), $80-0
	// p, _, errno := Syscall6(SYS_mmap, 0, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
	MOVQ	$SYS_mmap, 0(SP)
	MOVQ	$0, 8(SP)	// a1 → DI: addr, let the kernel choose
	MOVQ	$4096, 16(SP)	// a2 → SI: length
	MOVQ	$(PROT_READ|PROT_WRITE), 24(SP)	// a3 → DX: prot
	MOVQ	$(MAP_PRIVATE|MAP_ANONYMOUS), 32(SP)	// a4 → R10: flags
	MOVQ	$-1, 40(SP)	// a5 → R8: fd (none)
	MOVQ	$0, 48(SP)	// a6 → R9: offset
	CALL	syscall·Syscall6(SB)
	MOVQ	72(SP), AX	// err
	CMPQ	AX, $0
	JNE	failed
	MOVQ	56(SP), BX	// r1: the page

	// Write "mmap: page ok\n" (14 bytes) into the page.
	MOVQ	$0x6170203a70616d6d, CX	// "mmap: pa" (little-endian)
	MOVQ	CX, 0(BX)
	MOVL	$0x6f206567, CX	// "ge o"
	MOVL	CX, 8(BX)
	MOVW	$0x0a6b, CX	// "k\n"
	MOVW	CX, 12(BX)

	// write(1, page, 14)
	MOVQ	$SYS_write, 0(SP)
	MOVQ	$1, 8(SP)
	MOVQ	BX, 16(SP)
	MOVQ	$14, 24(SP)
	CALL	syscall·Syscall(SB)
	RET

failed:
	// mmap failed: exit status 1 via exit_group, a raw call.
	MOVQ	$231, 0(SP)	// SYS_exit_group
	MOVQ	$1, 8(SP)
	MOVQ	$0, 16(SP)
	MOVQ	$0, 24(SP)
	CALL	syscall·RawSyscall(SB)
	RET
