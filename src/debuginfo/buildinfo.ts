// The Go version a binary was built with, from the .go.buildinfo section the linker writes (cmd/go's build info):
// 16-byte header "\xff Go buildinf:" + pointer size + flags; with flag 2 (Go 1.18+) the version follows inline as
// a varint-prefixed string, before that as a pointer to a string header.
import { ByteView } from './bytes';
import type { ElfFile } from './elf';
import { DebugInfoError } from './errors';

const MAGIC = '\xff Go buildinf:';

export interface BuildInfo {
  goVersion: string;
  /** The module info text (path, mod, dep lines) when present. */
  modInfo: string;
}

/** Undefined when the binary has no build info (not Go, or too old); throws DebugInfoError when it is corrupt. */
export function readBuildInfo(elf: ElfFile): BuildInfo | undefined {
  const s = elf.section('.go.buildinfo');
  if (!s) return undefined;
  const v = new ByteView(elf.rawSection(s), `${elf.name}: .go.buildinfo`, s.addr);
  if (v.length < 32 || String.fromCharCode(...v.slice(0, 14)) !== MAGIC) {
    throw new DebugInfoError(`${elf.name}: .go.buildinfo lacks its "Go buildinf:" header`);
  }
  const ptrSize = v.u8(14), flags = v.u8(15);
  if (flags & 2) {
    let off = 32;
    const str = (): string => {
      const [n, next] = v.uleb(off);
      const bytes = v.slice(next, n);
      off = next + n;
      return new TextDecoder().decode(bytes);
    };
    const goVersion = str();
    const modInfo = off < v.length ? str() : '';
    return { goVersion, modInfo: stripModInfoMarkers(modInfo) };
  }
  // Before Go 1.18: pointers to Go string headers.
  const readString = (ptrAddr: number): string => {
    const hdr = elf.readVirtual(ptrAddr, 2 * ptrSize);
    if (!hdr) throw new DebugInfoError(`${elf.name}: build info points outside the image`);
    const hv = new ByteView(hdr, `${elf.name}: build info`);
    const data = elf.readVirtual(hv.uptr(0, ptrSize), hv.uptr(ptrSize, ptrSize));
    if (!data) throw new DebugInfoError(`${elf.name}: build info string points outside the image`);
    return new TextDecoder().decode(data);
  };
  const goVersion = readString(v.uptr(16, ptrSize));
  return { goVersion, modInfo: stripModInfoMarkers(readString(v.uptr(16 + ptrSize, ptrSize))) };
}

function stripModInfoMarkers(s: string): string {
  // The module info is framed by 16-byte sentinels; keep only the text between them.
  return s.length >= 33 ? s.slice(16, -16) : s;
}

/** "go1.23.5" → [1, 23]; undefined for anything else (devel builds, garbage). */
export function parseGoVersion(v: string): [number, number] | undefined {
  const m = /^go(\d+)\.(\d+)/.exec(v);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}
