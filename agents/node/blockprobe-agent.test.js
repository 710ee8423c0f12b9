// End-to-end tests of blockprobe-agent.js: examples/node/server.js run under
// the agent as a child process, its loop blocked with GET /complex, and
// /debug/loop read meanwhile and afterwards. Run: node --test agents/node/
//
// Timing bounds are generous: the machines these run on are small and shared.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const ROOT = path.resolve(__dirname, '..', '..');
const AGENT = path.join(__dirname, 'blockprobe-agent.js');
const SERVER = 'examples/node/server.js';
// Seconds ComplexHandler blocks: long enough that a poll lands inside the
// stall even when a loaded machine deschedules the test for a while.
const DELAY = 1;
const SECRET = 's3cr3t-4d2e8b'; // sent in a header and a query; must never be served

// start runs argv (node's arguments) with the agent preloaded and resolves
// once both the server's and the agent's addresses are printed.
function start(t, argv, env = {}, { agentLine = true } = {}) {
  const child = spawn(process.execPath, ['-r', AGENT, ...argv], {
    cwd: ROOT,
    env: { ...process.env, BLOCKPROBE_AGENT: '127.0.0.1:0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const srv = { child, stderr: [], exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), (DELAY + 5) * 1000);
      await srv.exited;
      clearTimeout(timer);
    }
  });
  const stderrLine = (prefix) => new Promise((resolve) => {
    readline.createInterface({ input: child.stderr }).on('line', (line) => {
      srv.stderr.push(line);
      if (line.startsWith(prefix)) {
        resolve(line);
      }
    });
  });
  const agentSeen = agentLine ? stderrLine('blockprobe-agent: /debug/loop on ') : stderrLine('\0');
  const serverSeen = new Promise((resolve) => {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('listening on ')) {
        resolve(line.split(' ').pop());
      }
    });
  });
  const failed = srv.exited.then((code) => {
    throw new Error(`server exited with ${code} before it was ready; stderr: ${srv.stderr.join('\n')}`);
  });
  return Promise.race([
    Promise.all([serverSeen, agentLine ? agentSeen : null]).then(([url, line]) => {
      srv.url = url;
      srv.agent = line ? line.split(' ').pop() : null;
      return srv;
    }),
    failed,
  ]);
}

function startExample(t, mode, extraArgs = [], env = {}) {
  return start(t, [SERVER, '--mode', mode, '--port', '0', '--delay', String(DELAY), ...extraArgs], env);
}

function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.setTimeout(10000, () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
  });
}

async function loop(srv) {
  const { status, body } = await get(srv.agent);
  assert.strictEqual(status, 200, body);
  return JSON.parse(body);
}

async function waitFor(srv, predicate, what, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  let doc;
  while (Date.now() < deadline) {
    doc = await loop(srv);
    if (predicate(doc)) {
      return doc;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${what} not seen within ${timeoutMs} ms; last /debug/loop: ${JSON.stringify(doc)}`);
}

function lineOf(file, text) {
  return fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
}

test('blocking: the request, function and line are named while and after the loop is blocked', async (t) => {
  const srv = await startExample(t, 'blocking');
  const first = await loop(srv);
  assert.strictEqual(first.format, 'blockprobe-loop/1');
  assert.strictEqual(first.source, 'agent-node');
  assert.match(first.runtime, /^node v\d+/);
  assert.strictEqual(first.slowest_still_running, false);

  const answer = get(`${srv.url}/complex`);
  const during = await waitFor(srv, (d) => d.slowest_still_running && d.slowest_handler === 'GET /complex',
    "the handler's stall still running");
  const ongoing = during.stalls.filter((s) => s.ongoing);
  assert.strictEqual(ongoing.length, 1, JSON.stringify(during.stalls));
  assert.strictEqual(ongoing[0].request, 'GET /complex');
  assert.strictEqual((await answer).status, 200);

  const after = await waitFor(srv, (d) => d.stalls.length > 0 && !d.stalls.some((s) => s.ongoing), "the stall's end");
  const stall = after.stalls.reduce((a, b) => (b.duration_ms > a.duration_ms ? b : a));
  assert.ok(stall.duration_ms >= 0.8 * DELAY * 1000 && stall.duration_ms <= 4 * DELAY * 1000, JSON.stringify(stall));
  assert.strictEqual(stall.handler, 'GET /complex');
  assert.strictEqual(stall.request, 'GET /complex');
  assert.strictEqual(after.slowest_handler, 'GET /complex');
  assert.ok(after.slowest_callback_ms >= stall.duration_ms);
  assert.strictEqual(after.slowest_still_running, false);
  assert.ok(after.busy_fraction > 0);
  assert.ok(after.lag_max_ms >= 0.8 * DELAY * 1000, `lag max ${after.lag_max_ms}`);

  // The inspector's pause names the function and line inside the callback.
  assert.ok(stall.samples > 0, JSON.stringify(stall));
  assert.ok(stall.frames.length <= 5);
  const [top, caller] = stall.frames;
  assert.deepStrictEqual(top, {
    file: SERVER, line: lineOf(SERVER, 'Atomics.wait(new Int32Array'), function: 'sleepThread',
    code: 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);',
  });
  assert.strictEqual(caller.line, lineOf(SERVER, 'sleepThread(delayMs); // the bug'));
});

test('async: ComplexHandler does not stall the loop', async (t) => {
  const srv = await startExample(t, 'async');
  assert.strictEqual((await get(`${srv.url}/complex`)).status, 200);
  const doc = await loop(srv);
  // A loaded machine can delay any heartbeat past the threshold; what must
  // not appear is the handler holding the loop for anything like its delay.
  for (const stall of doc.stalls) {
    if (stall.request === 'GET /complex') {
      assert.ok(stall.duration_ms < DELAY * 1000 / 2, JSON.stringify(stall));
    }
  }
});

test('pooled: the server\'s own workers run with the agent preloaded, unharmed', async (t) => {
  const srv = await startExample(t, 'pooled', ['--pool', '2']);
  assert.strictEqual((await get(`${srv.url}/complex`)).status, 200);
  assert.strictEqual((await get(`${srv.url}/`)).body, '[MainHandler] Hello, world');
  const listening = srv.stderr.filter((l) => l.startsWith('blockprobe-agent: /debug/loop on '));
  assert.strictEqual(listening.length, 1, srv.stderr.join('\n'));
});

test('no header values, queries or bodies are served', async (t) => {
  const srv = await startExample(t, 'blocking');
  const answer = get(`${srv.url}/complex?token=${SECRET}`, { 'X-Secret': SECRET });
  await waitFor(srv, (d) => d.slowest_still_running && d.slowest_handler === 'GET /complex', 'the stall');
  const during = (await get(srv.agent)).body;
  await answer;
  const after = JSON.stringify(await waitFor(srv, (d) => !d.stalls.some((s) => s.ongoing), "the stall's end"));
  for (const text of [during, after]) {
    assert.ok(!text.includes(SECRET), text);
    assert.ok(!text.toLowerCase().includes('x-secret'), text);
  }
  assert.ok(after.includes('"request":"GET /complex"'), after);
});

test('the ring of stalls stays bounded', async (t) => {
  const ring = 8;
  const srv = await start(t, [SERVER, '--mode', 'blocking', '--port', '0', '--delay', '0.03'],
    { BLOCKPROBE_AGENT_THRESHOLD_MS: '1', BLOCKPROBE_AGENT_RING: String(ring) });
  for (let i = 0; i < 3 * ring; i++) {
    await get(`${srv.url}/complex`);
  }
  const doc = await waitFor(srv, (d) => d.stalls_total >= 3 * ring, `${3 * ring} stalls`);
  assert.ok(doc.stalls.length <= ring, `${doc.stalls.length} stalls kept`);
  assert.strictEqual(doc.threshold_ms, 1);
  assert.strictEqual(doc.lag_histogram.counts.length, doc.lag_histogram.bounds_ms.length + 1);
});

test('the endpoint answers its path only', async (t) => {
  const srv = await startExample(t, 'async');
  const base = srv.agent.slice(0, -'/debug/loop'.length);
  for (const p of ['/', '/debug', '/debug/loop/x']) {
    assert.strictEqual((await get(base + p)).status, 404, p);
  }
  const status = await new Promise((resolve, reject) => {
    const req = http.request(srv.agent, { method: 'POST', agent: false }, (res) => { res.resume(); resolve(res.statusCode); });
    req.on('error', reject);
    req.end('x');
  });
  assert.strictEqual(status, 405);
});

test('the histogram counts heartbeats and uses the shared bounds', async (t) => {
  const srv = await startExample(t, 'async');
  const first = await loop(srv);
  await new Promise((r) => setTimeout(r, 300));
  const second = await loop(srv);
  const sum = (d) => d.lag_histogram.counts.reduce((a, b) => a + b, 0);
  const grew = sum(second) - sum(first);
  assert.ok(grew > 5 && grew <= 40, `${grew} heartbeats in 300 ms`);
  const bounds = first.lag_histogram.bounds_ms;
  assert.strictEqual(bounds[0], 0.1);
  assert.strictEqual(bounds[10], 1);
  assert.strictEqual(bounds.at(-1), 100000);
  assert.ok(Math.abs(second.now_ms - Date.now()) < 5000);
});

test('a port already taken: one line on stderr, and the server runs', async (t) => {
  const taken = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => taken.on('listening', r));
  t.after(() => taken.close());
  const port = taken.address().port;
  const srv = await start(t, [SERVER, '--mode', 'async', '--port', '0'], { BLOCKPROBE_AGENT: `127.0.0.1:${port}` },
    { agentLine: false });
  assert.strictEqual((await get(`${srv.url}/`)).body, '[MainHandler] Hello, world');
  const deadline = Date.now() + 5000;
  while (!srv.stderr.some((l) => l.startsWith('blockprobe-agent: cannot serve')) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const lines = srv.stderr.filter((l) => l.startsWith('blockprobe-agent:'));
  assert.strictEqual(lines.length, 1, srv.stderr.join('\n'));
  assert.match(lines[0], new RegExp(`cannot serve /debug/loop on 127.0.0.1:${port}: .*EADDRINUSE`));
});

test('SIGTERM still exits 0, with no word of a debugger', async (t) => {
  const srv = await startExample(t, 'blocking');
  await get(`${srv.url}/`);
  srv.child.kill('SIGTERM');
  assert.strictEqual(await srv.exited, 0);
  assert.ok(!srv.stderr.some((l) => l.includes('debugger')), srv.stderr.join('\n'));
});

test('require(...).start() from the server\'s own code', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blockprobe-agent-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const program = path.join(dir, 'server.js');
  fs.writeFileSync(program, `
const agent = require(${JSON.stringify(AGENT)}).start({ port: 0 });
const http = require('node:http');
function blockingWork(ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {}
}
const server = http.createServer((req, res) => { blockingWork(300); res.end('done'); });
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
process.on('SIGTERM', () => process.exit(0));
`);
  const child = spawn(process.execPath, [program], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const srv = { child, stderr: [] };
  t.after(() => child.kill('SIGKILL'));
  srv.agent = await new Promise((resolve) => readline.createInterface({ input: child.stderr }).on('line', (l) => {
    if (l.startsWith('blockprobe-agent: /debug/loop on ')) resolve(l.split(' ').pop());
  }));
  const url = await new Promise((resolve) => readline.createInterface({ input: child.stdout }).on('line', (l) => {
    if (l.startsWith('listening on ')) resolve(l.split(' ').pop());
  }));
  await waitFor(srv, (d) => d.window_ms > 200, 'the agent ready'); // measuring starts once it is ready
  await get(`${url}/work`);
  const doc = await waitFor(srv, (d) => d.stalls.some((s) => s.request === 'GET /work' && !s.ongoing), 'the stall');
  const stall = doc.stalls.find((s) => s.request === 'GET /work');
  assert.ok(stall.duration_ms >= 200, JSON.stringify(stall));
  assert.strictEqual(stall.frames[0].function, 'blockingWork');
  assert.strictEqual(stall.frames[0].file, program); // outside the cwd: the absolute path
});
