// Architectural exceptions raised inside an instruction (thrown, caught by Cpu.run, reported as Stop 'fault').
// Not an Error subclass: no stack trace is captured.

import type { CpuFault, FaultKind } from './types';

export class FaultSignal {
  readonly fault: CpuFault;
  constructor(kind: FaultKind, message: string, extra: Partial<CpuFault> = {}) {
    this.fault = { kind, rip: 0, message, ...extra };
  }
}

export function gpFault(message: string, addr?: number): FaultSignal {
  return new FaultSignal('#GP', message, addr === undefined ? {} : { addr });
}
