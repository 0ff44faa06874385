// What a person does with mouse and keyboard on the real workbench, done by playwright for the suite: the suite
// runs inside the extension host and cannot touch the DOM, so it asks the harness over HTTP (GET /ui/<op>?...,
// test/e2e/suite/README.md). Every op answers JSON: {ok:true, ...} or {ok:false, error} with HTTP 500.

const DEFAULT_TIMEOUT = 20_000;

/** A locator for `selector`, inside the iframes named by `frames` ("sel1 >>> sel2": outermost first). */
function locate(page, selector, frames) {
  let scope = page;
  for (const f of (frames ?? '').split('>>>').map(s => s.trim()).filter(Boolean)) scope = scope.frameLocator(f);
  return scope.locator(selector);
}

const ops = {
  /** Clicks the first match (button=left|right|middle, clicks=2 for a double click, modifiers=Control+Shift). */
  async click(page, q, timeout) {
    const mods = q.get('modifiers') ? q.get('modifiers').split('+') : undefined;
    await locate(page, q.get('selector'), q.get('frames')).first().click({
      timeout, button: q.get('button') ?? 'left', clickCount: Number(q.get('clicks') ?? 1), modifiers: mods,
    });
    return {};
  },
  /** Sets a checkbox (checked=false to clear it); answers whether it was checked before. */
  async check(page, q, timeout) {
    const box = locate(page, q.get('selector'), q.get('frames')).first();
    await box.waitFor({ state: 'attached', timeout });
    const was = await box.isChecked();
    const want = q.get('checked') !== 'false';
    if (was !== want) await box.setChecked(want, { timeout, force: true });
    return { was, now: await box.isChecked() };
  },
  async hover(page, q, timeout) {
    await locate(page, q.get('selector'), q.get('frames')).first().hover({ timeout });
    return {};
  },
  /** Presses a key (playwright's names: F10, Enter, Control+Shift+P), after focusing `selector` when given. */
  async press(page, q, timeout) {
    if (q.get('selector')) await locate(page, q.get('selector'), q.get('frames')).first().focus({ timeout });
    await page.keyboard.press(q.get('key'));
    return {};
  },
  /** Types text into whatever has the keyboard focus (an input box VS Code just opened). */
  async type(page, q) {
    await page.keyboard.type(q.get('text') ?? '', { delay: 10 });
    return {};
  },
  /** Waits until the first match is in `state` (visible, hidden, attached, detached). */
  async wait(page, q, timeout) {
    await locate(page, q.get('selector'), q.get('frames')).first().waitFor({ state: q.get('state') ?? 'visible', timeout });
    return {};
  },
  /** The text of every match (waits for a first match up to the timeout unless wait=false). */
  async text(page, q, timeout) {
    const all = locate(page, q.get('selector'), q.get('frames'));
    if (q.get('wait') !== 'false') await all.first().waitFor({ state: 'attached', timeout });
    return { texts: await all.allInnerTexts() };
  },
  /** outerHTML of the first match: for writing selectors, not for assertions. */
  async html(page, q, timeout) {
    return { html: await locate(page, q.get('selector'), q.get('frames')).first().evaluate(e => e.outerHTML, undefined, { timeout }) };
  },
  /** Drags the first match by dx, dy pixels (a sash, a splitter). */
  async drag(page, q, timeout) {
    const box = await locate(page, q.get('selector'), q.get('frames')).first().boundingBox({ timeout });
    if (!box) throw new Error(`${q.get('selector')} has no box on screen`);
    const x = box.x + box.width / 2, y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + Number(q.get('dx') ?? 0), y + Number(q.get('dy') ?? 0), { steps: 8 });
    await page.mouse.up();
    return {};
  },
};

/** Serves GET /ui/<op>: returns true when it handled the request. */
export async function handleUiRequest(page, url, res) {
  const m = /^\/ui\/(\w+)$/.exec(url.pathname);
  if (!m) return false;
  const answer = (code, body) => res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const op = ops[m[1]];
  if (!op) { answer(404, { ok: false, error: `unknown ui op ${m[1]}: ${Object.keys(ops).join(', ')}` }); return true; }
  if (!page) { answer(500, { ok: false, error: 'no page yet' }); return true; }
  const timeout = Number(url.searchParams.get('timeout') ?? DEFAULT_TIMEOUT);
  try {
    answer(200, { ok: true, ...(await op(page, url.searchParams, timeout)) });
  } catch (e) {
    answer(500, { ok: false, error: String(e?.message ?? e).split('\n').slice(0, 6).join('\n') });
  }
  return true;
}
