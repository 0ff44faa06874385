// CPUID of the emulated CPU: a baseline x86-64 (SSE2 only). Go then keeps to its GOAMD64=v1 code paths:
// no AVX/OSXSAVE (so no XGETBV), no SSE3+/POPCNT/AES/ERMS, as internal/cpu reads these leaves.

import type { CpuidResult } from './types';

const VENDOR = 'GenuineIntel';
const BRAND = 'Go Syscall Stepper virtual x86-64 CPU';

function str4(s: string, i: number): number {
  let v = 0;
  for (let k = 3; k >= 0; k--) v = (v << 8) | (s.charCodeAt(i + k) || 0);
  return v >>> 0;
}

/**
 * The default CPUID provider. Leaves above the maxima return zeros (Go's internal/cpu checks the maximum leaf
 * before reading leaf 7, so it sees no AVX2/BMI/ERMS either way).
 */
export function baselineCpuid(leaf: number, subleaf: number): CpuidResult {
  void subleaf;
  switch (leaf >>> 0) {
    case 0: // max basic leaf, vendor "GenuineIntel" in EBX EDX ECX
      return { eax: 1, ebx: str4(VENDOR, 0), edx: str4(VENDOR, 4), ecx: str4(VENDOR, 8) };
    case 1: // family 6 model 0x3a-like signature; EDX: FPU TSC CX8 CMOV MMX FXSR SSE SSE2 ...; ECX: only CMPXCHG16B
      return {
        eax: 0x000306a9, ebx: 0x00000800,
        ecx: 1 << 13,
        edx: (1 << 0) | (1 << 4) | (1 << 5) | (1 << 8) | (1 << 15) | (1 << 19) | (1 << 23) | (1 << 24) | (1 << 25) | (1 << 26),
      };
    case 0x80000000: return { eax: 0x80000004, ebx: 0, ecx: 0, edx: 0 };
    case 0x80000001: // LAHF/SAHF in 64-bit mode; SYSCALL, NX, long mode
      return { eax: 0, ebx: 0, ecx: 1, edx: (1 << 11) | (1 << 20) | (1 << 29) };
    case 0x80000002: case 0x80000003: case 0x80000004: {
      const o = ((leaf >>> 0) - 0x80000002) * 16;
      return { eax: str4(BRAND, o), ebx: str4(BRAND, o + 4), ecx: str4(BRAND, o + 8), edx: str4(BRAND, o + 12) };
    }
    default: return { eax: 0, ebx: 0, ecx: 0, edx: 0 };
  }
}
