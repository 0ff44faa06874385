// gopark/goready through the runtime's semaphores, and Gosched: the exact transitions on one P.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runModel, story } from './harness';
import { Kernel } from '../../../src/linux/kernel';
import { loadModelProgram } from '../../../src/goruntime';

const text = `#include "textflag.h"
DATA	·sem+0(SB)/8, $0
GLOBL	·sem(SB), NOPTR, $8
DATA	·fPC+0(SB)/8, $·f(SB)
GLOBL	·fPC(SB), RODATA, $8
TEXT ·main(SB), $8-0
	LEAQ	·fPC(SB), AX
	MOVQ	AX, 0(SP)
	CALL	runtime·newproc(SB)
	LEAQ	·sem(SB), AX
	MOVQ	AX, 0(SP)
	CALL	runtime·semacquire(SB)
	RET
TEXT ·f(SB), $8-0
	LEAQ	·sem(SB), AX
	MOVQ	AX, 0(SP)
	CALL	runtime·semrelease(SB)
	CALL	runtime·Gosched(SB)
	RET
`;

test('semacquire parks G1 (_Gwaiting), semrelease readies it into runnext, Gosched yields to it', () => {
  const r = runModel([{ path: 'park.s', text }], { gomaxprocs: 1 });
  assert.deepEqual(r.exit, { code: 0 });
  assert.deepEqual(story(r.events), [
    'thread M1 create',
    'G2 _Gdead->_Grunnable M0', // go f(): runnext
    'G1 _Grunning->_Gwaiting M0', // semacquire → gopark → park_m
    'G2 _Grunnable->_Grunning M0',
    'G1 _Gwaiting->_Grunnable M0', // semrelease → goready → ready: runnext
    'G2 _Grunning->_Grunnable M0', // Gosched: G2 to the global queue
    'G1 _Grunnable->_Grunning M0', // runnext before the global queue
    'exit 0', // main returns while G2 still waits in the global queue
  ]);
});

test('a parked goroutine shows its wait reason in the scheduler snapshot', () => {
  const kernel = new Kernel({ ncpu: 1 });
  const res = loadModelProgram(kernel, [{ path: 'park.s', text }], { gomaxprocs: 1 });
  assert.ok(res.ok && res.model);
  let g1 = res.model.snapshot().gs[0];
  for (let i = 0; i < 1000 && (g1.status !== '_Gwaiting' || g1.m !== null); i++) { // until park_m's dropg
    assert.equal(kernel.run(1).kind, 'budget');
    g1 = res.model.snapshot().gs[0];
  }
  assert.deepEqual([g1.goid, g1.status, g1.waitreason, g1.m, g1.p], [1, '_Gwaiting', 'semacquire', null, null]);
  assert.match(g1.pc, /^0x2[0-9a-f]{5}$/); // parked inside the model (gopark)
  const g2 = res.model.snapshot().gs[1];
  assert.deepEqual([g2.goid, g2.status, g2.startfn], [2, '_Grunnable', 'main.f']);
});
