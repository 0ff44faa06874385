// Timeline webview script (plain browser JS, no build step). Draws one lane per P, M and G over virtual time from
// the `timeline` body (src/extension/timelineTypes.ts), with syscall slices labelled, handoff and exitsyscall
// marks, a cursor at the current time and zoom. Keyboard: + / - zoom, 0 fit, ←/→ pan, ↑/↓ move between lanes,
// Home/End jump to the start/cursor, Enter on a syscall slice travels back to it.
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const app = document.getElementById('app');
  let state = { body: null, lanes: [], running: false, origin: 0 };
  let zoomFactor = 1;     // 1 = the whole run fits the width; the px/ns scale follows the data at every draw
  let scale = 1;          // px per ns of the last draw
  const MAX_WIDTH = 400000;
  const LABEL_W = 76;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function fmt(ns) {
    const a = Math.abs(ns);
    const t = (x) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
    if (a < 1e3) return Math.round(ns) + 'ns';
    if (a < 1e6) return t(ns / 1e3) + 'µs';
    if (a < 1e9) return t(ns / 1e6) + 'ms';
    return t(ns / 1e9) + 's';
  }

  function stateClass(kind, s) {
    if (/syscall/i.test(s)) return 'syscall';
    if (s === '_Prunning' || s === '_Grunning' || s === 'running') return 'running';
    if (s === '_Grunnable' || s === 'spinning') return 'runnable';
    if (s === '_Gwaiting' || s === 'blocked' || s === '_Gpreempted') return 'waiting';
    if (s === '_Pidle' || s === 'idle' || s === '_Gidle') return 'idle';
    if (s === '_Gdead' || s === '_Pdead') return 'dead';
    return 'other';
  }

  function showEmpty(hasSession) {
    app.replaceChildren();
    const box = el('div', 'empty');
    box.setAttribute('role', 'status');
    box.append(el('h2', '', 'No timeline yet'));
    box.append(el('p', '', hasSession
      ? 'The program is running or has not stopped yet. The timeline appears at the next stop: pause, or enable the SYSCALL breakpoint filter in the Breakpoints view.'
      : 'Start a Go Syscall Stepper session (F5 on a .s model program, a .go file or a Go binary). At every stop this view shows each P, M and G over virtual time: syscall slices, sysmon handoffs and exitsyscall paths.'));
    const row = el('div', 'toolbar');
    const samples = el('button', 'primary', 'Open Samples');
    samples.addEventListener('click', () => vscode.postMessage({ type: 'command', command: 'gosyscall.openSamples' }));
    const start = el('button', '', 'Start Debugging');
    start.addEventListener('click', () => vscode.postMessage({ type: 'command', command: 'workbench.action.debug.start' }));
    row.append(samples, start);
    box.append(row);
    app.append(box);
    vscode.postMessage({ type: 'rendered', lanes: 0, intervals: 0, marks: 0 });
  }

  function draw(keepScroll) {
    const body = state.body;
    if (!body) return;
    const prev = app.querySelector('.body');
    const scrollLeft = keepScroll && prev ? prev.scrollLeft : undefined;
    const scrollTop = keepScroll && prev ? prev.scrollTop : 0;
    const t0 = state.origin;
    const t1 = Math.max(body.t, ...body.intervals.map((i) => i.end), t0 + 1);
    const avail = Math.max(200, document.documentElement.clientWidth - LABEL_W - 40);
    zoomFactor = Math.max(1, Math.min(zoomFactor, MAX_WIDTH / avail));
    scale = (avail / (t1 - t0)) * zoomFactor;
    const x = (t) => LABEL_W + (Math.max(t, t0) - t0) * scale;
    const width = LABEL_W + (t1 - t0) * scale + 16;

    app.replaceChildren();
    const bar = el('div', 'toolbar');
    bar.setAttribute('role', 'toolbar');
    bar.setAttribute('aria-label', 'Timeline zoom');
    const zin = el('button', '', 'Zoom in (+)');
    const zout = el('button', '', 'Zoom out (−)');
    const fit = el('button', '', 'Fit (0)');
    zin.addEventListener('click', () => zoom(2));
    zout.addEventListener('click', () => zoom(0.5));
    fit.addEventListener('click', () => { zoomFactor = 1; draw(false); });
    bar.append(zin, zout, fit, el('span', 'now', 't = +' + fmt(body.t - t0) + (state.running ? ' (running…)' : '')),
      el('span', 'hint', '↑↓ lanes · ←→ pan · +/− zoom · Enter on a syscall: travel back'));
    const legend = el('div', 'legend');
    for (const [name, v] of [['running', '--c-running'], ['syscall', '--c-syscall'], ['runnable / spinning', '--c-runnable'],
      ['waiting / blocked', '--c-waiting'], ['idle', '--c-idle'], ['handoff', '--c-handoff'], ['exitsyscall', '--c-exitsyscall']]) {
      const s = el('span', '', name);
      s.style.setProperty('--swatch', 'var(' + v + ')');
      legend.append(s);
    }
    const scroller = el('div', 'body' + (state.running ? ' running' : ''));
    const grid = el('div', 'grid');
    grid.style.width = width + 'px';
    grid.setAttribute('role', 'list');
    grid.setAttribute('aria-label', 'Lanes: Ps, Ms and Gs over virtual time');

    const axis = el('div', 'axis');
    const step = niceStep((t1 - t0) / Math.max(2, (width - LABEL_W) / 110));
    for (let k = 0; k <= 4000; k++) {          // bounded: a tick every ~110 px of at most MAX_WIDTH
      const rel = k * step;
      if (t0 + rel > t1) break;
      const tick = el('div', 'tick', '+' + fmt(rel));
      tick.style.left = x(t0 + rel) + 'px';
      axis.append(tick);
    }
    grid.append(axis);

    const byLane = new Map();
    for (const iv of body.intervals) {
      if (!byLane.has(iv.lane)) byLane.set(iv.lane, []);
      byLane.get(iv.lane).push(iv);
    }
    let group = '';
    let intervals = 0;
    let marks = 0;
    for (const lane of state.lanes) {
      const ivs = byLane.get(lane) || [];
      const kind = ivs[0] ? ivs[0].kind : lane[0];
      if (kind !== group) {
        group = kind;
        grid.append(el('div', 'group', { P: 'Ps (processors)', M: 'Ms (OS threads)', G: 'Gs (goroutines)' }[kind] || kind));
      }
      const row = el('div', 'lane');
      row.tabIndex = 0;
      row.dataset.lane = lane;
      row.setAttribute('role', 'listitem');
      const now = ivs.find((i) => i.start <= body.t && body.t <= i.end) || ivs[ivs.length - 1];
      row.setAttribute('aria-label', lane + ': ' + (now ? now.state + (now.label ? ' ' + now.label : '') + ' at t +' + fmt(body.t - t0) : 'no data') +
        '; ' + ivs.filter((i) => stateClass(i.kind, i.state) === 'syscall').length + ' syscall slices');
      row.append(el('span', 'name', lane));
      for (const iv of ivs) {
        const d = el('div', 'iv ' + stateClass(iv.kind, iv.state));
        const w = x(iv.end) - x(iv.start);
        d.style.left = x(iv.start) + 'px';
        d.style.width = Math.max(1, w) + 'px';
        const text = iv.label ? iv.label : '';
        if (w > 28 && text) d.textContent = text;
        d.title = lane + ' ' + iv.state + (iv.label ? ' · ' + iv.label : '') + '\n+' + fmt(Math.max(iv.start, t0) - t0) + ' → +' + fmt(iv.end - t0) + ' (' + fmt(iv.end - Math.max(iv.start, t0)) + ')';
        if (iv.seq !== undefined) { d.dataset.seq = String(iv.seq); d.title += '\nEnter / double-click: travel back to this syscall'; }
        d.addEventListener('dblclick', () => { if (iv.seq !== undefined) vscode.postMessage({ type: 'travel', seq: iv.seq }); });
        row.append(d);
        intervals++;
      }
      for (const m of body.marks) {
        if (m.lane !== lane) continue;
        row.append(mark(m, x));
        marks++;
      }
      row.addEventListener('keydown', (e) => laneKey(e, row, ivs, x));
      grid.append(row);
    }
    for (const m of body.marks) {
      if (m.lane && state.lanes.includes(m.lane)) continue;
      const d = mark(m, x);
      d.style.top = '20px';
      d.style.height = '100%';
      grid.append(d);
      marks++;
    }
    const cursor = el('div', 'cursor');
    cursor.style.left = x(body.t) + 'px';
    cursor.title = 'now: +' + fmt(body.t - t0);
    grid.append(cursor);
    scroller.append(grid);
    app.append(bar, legend, scroller);
    scroller.scrollLeft = zoomFactor === 1 ? 0 : scrollLeft !== undefined ? scrollLeft : Math.max(0, x(body.t) - scroller.clientWidth * 0.8);
    scroller.scrollTop = scrollTop;
    vscode.postMessage({ type: 'rendered', lanes: state.lanes.length, intervals, marks });
  }

  function mark(m, x) {
    const d = el('div', 'mark ' + m.kind);
    d.style.left = x(m.t) + 'px';
    d.title = m.kind + ' at +' + fmt(m.t - state.origin) + ': ' + m.label;
    d.setAttribute('aria-label', d.title);
    return d;
  }

  function niceStep(raw) {
    const p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
    for (const k of [1, 2, 5, 10]) if (k * p >= raw) return k * p;
    return 10 * p;
  }

  function zoom(f) {
    const sc = app.querySelector('.body');
    const center = sc ? (sc.scrollLeft + sc.clientWidth / 2 - LABEL_W) / scale : 0;
    zoomFactor *= f;
    draw(false);
    const sc2 = app.querySelector('.body');
    if (sc2) sc2.scrollLeft = Math.max(0, center * scale + LABEL_W - sc2.clientWidth / 2);
  }

  function laneKey(e, row, ivs, x) {
    const sc = app.querySelector('.body');
    const rows = [...app.querySelectorAll('.lane')];
    const i = rows.indexOf(row);
    if (e.key === 'ArrowDown' && rows[i + 1]) { rows[i + 1].focus(); e.preventDefault(); }
    else if (e.key === 'ArrowUp' && rows[i - 1]) { rows[i - 1].focus(); e.preventDefault(); }
    else if (e.key === 'Enter') {
      const last = ivs.filter((v) => v.seq !== undefined).pop();
      if (last) vscode.postMessage({ type: 'travel', seq: last.seq });
    } else return;
    const focused = document.activeElement;
    if (focused && sc && focused.classList.contains('lane')) focused.scrollIntoView({ block: 'nearest' });
    void x;
  }

  document.addEventListener('keydown', (e) => {
    if (!state.body) return;
    const sc = app.querySelector('.body');
    if (e.key === '+' || e.key === '=') zoom(2);
    else if (e.key === '-' || e.key === '_') zoom(0.5);
    else if (e.key === '0') { zoomFactor = 1; draw(false); }
    else if (e.key === 'ArrowRight' && sc) sc.scrollLeft += sc.clientWidth / 4;
    else if (e.key === 'ArrowLeft' && sc) sc.scrollLeft -= sc.clientWidth / 4;
    else if (e.key === 'Home' && sc) sc.scrollLeft = 0;
    else if (e.key === 'End' && sc) { const c = app.querySelector('.cursor'); if (c) sc.scrollLeft = c.offsetLeft - sc.clientWidth * 0.8; }
    else return;
    e.preventDefault();
  });
  window.addEventListener('resize', () => { if (state.body) draw(true); });

  window.addEventListener('message', (ev) => {
    const msg = ev.data || {};
    if (msg.type === 'data' && msg.body) {
      const first = !state.body;
      state = { body: msg.body, lanes: Array.isArray(msg.lanes) ? msg.lanes : [], running: !!msg.running,
        origin: typeof msg.origin === 'number' ? msg.origin : 0 };
      if (first) zoomFactor = 1;
      if (!state.lanes.length) { showEmpty(true); return; }
      draw(!first && !!msg.keepView);
    } else if (msg.type === 'running') {
      state.running = true;
      const b = app.querySelector('.body');
      if (b) b.classList.add('running');
    } else if (msg.type === 'empty') {
      state = { body: null, lanes: [], running: false, origin: 0 };
      showEmpty(!!msg.session);
    }
  });
  showEmpty(false);
  vscode.postMessage({ type: 'ready' });
})();
