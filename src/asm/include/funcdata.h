// PCDATA and FUNCDATA indexes as the Go runtime defines them, and the usual shorthand macros.
// Go Syscall Stepper accepts these directives and records nothing for them (no GC stack maps in model programs).

#define PCDATA_UnsafePoint 0
#define PCDATA_StackMapIndex 1
#define PCDATA_InlTreeIndex 2
#define PCDATA_ArgLiveIndex 3

#define FUNCDATA_ArgsPointerMaps 0
#define FUNCDATA_LocalsPointerMaps 1
#define FUNCDATA_StackObjects 2
#define FUNCDATA_InlTree 3
#define FUNCDATA_OpenCodedDeferInfo 4
#define FUNCDATA_ArgInfo 5
#define FUNCDATA_ArgLiveInfo 6
#define FUNCDATA_WrapInfo 7

// The function's arguments are described by its Go prototype.
#define GO_ARGS	FUNCDATA $FUNCDATA_ArgsPointerMaps, go_args_stackmap(SB)
// The results have been written from here on.
#define GO_RESULTS_INITIALIZED	PCDATA $PCDATA_StackMapIndex, $1
// The frame holds no pointers.
#define NO_LOCAL_POINTERS	FUNCDATA $FUNCDATA_LocalsPointerMaps, no_pointers_stackmap(SB)
