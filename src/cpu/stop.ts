// Values of Cpu.stop: set by an instruction to end the run, checked after every instruction.
export const STOP_NONE = 0, STOP_SYSCALL = 1, STOP_HALT = 2, STOP_FAULT = 3, STOP_WATCH = 4;
