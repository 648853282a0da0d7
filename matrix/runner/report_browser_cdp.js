// Drives headless Chromium over the DevTools protocol (--remote-debugging-pipe:
// NUL-separated JSON on file descriptors 3 and 4; plain Node.js, no packages)
// for report_browser_test.sh: loads a report, clicks a cell with a real mouse
// press and release at its on-screen position, and prints one JSON object:
//   {errors: [every exception, console error/warning and error log entry],
//    found, hit, detail, repro}
// found: the cell is in the grid; hit: the element at the click point is that
// cell; detail: the cell the details below the grid belong to after the click;
// repro: the reproduction command they show.
//
// usage: node report_browser_cdp.js CHROMIUM URL CELL PROFILE_DIR
'use strict';
const {spawn} = require('child_process');

const [chromium, url, cell, profile] = process.argv.slice(2);
const browser = spawn(chromium, [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-extensions', '--disable-component-update', '--disable-sync', '--no-first-run',
  '--no-default-browser-check', '--user-data-dir=' + profile, '--window-size=1200,900',
  '--remote-debugging-pipe', 'about:blank',
], {stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe']});
const toBrowser = browser.stdio[3], fromBrowser = browser.stdio[4];

const timer = setTimeout(() => finish({fatal: 'timed out after 90s'}), 90000);
function finish(result) {
  clearTimeout(timer);
  process.stdout.write(JSON.stringify(result) + '\n');
  browser.kill();
  process.exit(result.fatal ? 1 : 0);
}
browser.on('error', e => finish({fatal: 'cannot start ' + chromium + ': ' + e.message}));
browser.on('exit', code => finish({fatal: 'chromium exited early with ' + code}));

let nextId = 1, buffer = '';
const pending = new Map(), waiters = [];
const errors = [];
function send(method, params, sessionId) {
  const id = nextId++;
  toBrowser.write(JSON.stringify({id, method, params: params || {}, sessionId}) + '\0');
  return new Promise((resolve, reject) => pending.set(id, {resolve, reject, method}));
}
function waitFor(method) { return new Promise(resolve => waiters.push({method, resolve})); }
fromBrowser.on('data', chunk => {
  buffer += chunk.toString('utf8');
  let end;
  while ((end = buffer.indexOf('\0')) >= 0) {
    const msg = JSON.parse(buffer.slice(0, end));
    buffer = buffer.slice(end + 1);
    if (msg.id !== undefined) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) p.reject(new Error(p.method + ': ' + msg.error.message)); else p.resolve(msg.result);
      continue;
    }
    const params = msg.params || {};
    if (msg.method === 'Runtime.exceptionThrown') {
      const d = params.exceptionDetails;
      errors.push('exception: ' + ((d.exception && d.exception.description) || d.text));
    } else if (msg.method === 'Runtime.consoleAPICalled' && /^(error|warning|assert)$/.test(params.type)) {
      errors.push('console.' + params.type + ': ' + params.args.map(a => a.value !== undefined ? a.value : a.description).join(' '));
    } else if (msg.method === 'Log.entryAdded' && params.entry.level === 'error') {
      errors.push('log: ' + params.entry.text + (params.entry.url ? ' (' + params.entry.url + ')' : ''));
    }
    for (let i = 0; i < waiters.length; ++i) {
      if (waiters[i].method === msg.method) { waiters.splice(i, 1)[0].resolve(params); break; }
    }
  }
});

(async () => {
  const {targetId} = await send('Target.createTarget', {url: 'about:blank'});
  const {sessionId} = await send('Target.attachToTarget', {targetId, flatten: true});
  const s = (method, params) => send(method, params, sessionId);
  const value = async expression => {
    const r = await s('Runtime.evaluate', {expression, returnByValue: true});
    if (r.exceptionDetails) throw new Error('evaluate ' + expression + ': ' + r.exceptionDetails.text);
    return r.result.value;
  };
  await s('Page.enable');
  await s('Runtime.enable');
  await s('Log.enable');
  const loaded = waitFor('Page.loadEventFired');
  await s('Page.navigate', {url});
  await loaded;
  const sel = JSON.stringify('td.cell[data-cell="' + cell + '"]');
  const box = await value(`(() => { const e = document.querySelector(${sel}); if (!e) return null;
      e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();
      return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()`);
  if (!box) return finish({errors, found: false});
  const hit = await value(`document.elementFromPoint(${box.x}, ${box.y}) === document.querySelector(${sel})`);
  for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased']) {
    await s('Input.dispatchMouseEvent', {type, x: box.x, y: box.y, button: 'left', clickCount: type === 'mouseMoved' ? 0 : 1});
  }
  const detail = await value(`document.getElementById('detail').dataset.cell || null`);
  const repro = await value(`(e => e ? e.textContent : null)(document.querySelector('#detail code.repro'))`);
  // Let late errors (timers, rejections) arrive before the verdict.
  await s('Runtime.evaluate', {expression: 'new Promise(r => setTimeout(r, 200))', awaitPromise: true});
  finish({errors, found: true, hit, detail, repro});
})().catch(e => finish({fatal: String(e && e.stack || e), errors}));
