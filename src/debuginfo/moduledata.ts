// runtime.firstmoduledata, found without symbols: it is the data word that points at the .gopclntab header
// (moduledata.pcHeader) followed by the funcnametab slice at pcHeader+funcnameOffset. From it come the text range
// and moduledata.gofunc, the base of funcdata offsets (the inline trees). Field order from runtime/symtab.go:
// 1.18–1.19 put gofunc in word 38; 1.20 added covctrs/ecovctrs before `end`, moving it to word 40.
import { ByteView } from './bytes';
import type { ElfFile } from './elf';
import { MAGIC_GO120 } from './pclntab';

export interface ModuleData {
  addr: number;
  text: number;
  etext: number;
  noptrdata: number;
  data: number;
  bss: number;
  ebss: number;
  noptrbss: number;
  enoptrbss: number;
  gofunc: number;
}

export function findModuleData(elf: ElfFile, pclntabAddr: number, funcnameOffset: number, magic: number, textStart: number): ModuleData | undefined {
  const candidates = ['.noptrdata', '.data'].map((n) => elf.section(n)).filter((s) => s !== undefined);
  for (const s of candidates) {
    const v = new ByteView(elf.rawSection(s), `${elf.name}: ${s.name}`, s.addr);
    for (let o = 0; o + 48 * 8 <= v.length; o += 8) {
      if (v.u64(o) !== pclntabAddr || v.u64(o + 8) !== pclntabAddr + funcnameOffset) continue;
      const w = (i: number): number => v.u64(o + 8 * i);
      if (w(22) !== textStart) continue; // moduledata.text must be the line table's text start
      const cov = magic === MAGIC_GO120 ? 2 : 0;
      return {
        addr: s.addr + o, text: w(22), etext: w(23), noptrdata: w(24), data: w(26), bss: w(28), ebss: w(29),
        noptrbss: w(30), enoptrbss: w(31), gofunc: w(38 + cov),
      };
    }
  }
  return undefined;
}
