// The bundle tells its loader (boot/codeCache.ts, a separate bundle: hence a global) that it has run the
// emulator, so the code cache saved at exit holds the translators and the run loop, not only start-up code.
export const WARM = Symbol.for('gosyscall.codeCache.warm');

export function noteWarm(): void { (globalThis as Record<symbol, unknown>)[WARM] = true; }
