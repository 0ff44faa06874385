// Flags for TEXT and GLOBL, as Go's assembler and linker understand them (the values are Go's).
// Go Syscall Stepper ships its own copy so that model programs can `#include "textflag.h"`.

// The function is not profiled (obsolete, kept for old sources).
#define NOPROF	1
// Duplicate definitions of the symbol are allowed; the linker keeps one.
#define DUPOK	2
// No stack-split check is inserted in the prologue.
#define NOSPLIT	4
// GLOBL: the data is read-only (placed in .rodata).
#define RODATA	8
// GLOBL: the data contains no pointers.
#define NOPTR	16
// The function is a wrapper and should not count as disabling recover.
#define WRAPPER 32
// The function uses its incoming context register (DX).
#define NEEDCTXT 64
// GLOBL: thread-local storage.
#define TLSBSS	256
// No frame is allocated and BP is not saved, even when the frame size is not zero.
#define NOFRAME 512
// The function can call reflect.Type.Method or reflect.Type.MethodByName.
#define REFLECTMETHOD 1024
// The function is the outermost frame of its goroutine (stack unwinding stops here).
#define TOPFRAME 2048
// The function is an ABI wrapper.
#define ABIWRAPPER 4096
