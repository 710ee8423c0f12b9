// blockprobe loop agent for Node (18 or later, built-in modules only).
//
// Names the request, function and line that held the event loop, when and
// for how long, and serves it as JSON on GET /debug/loop from a worker
// thread with its own event loop, so the answer comes while the main loop is
// blocked.
//
//   BLOCKPROBE_AGENT=127.0.0.1:9999 node -r ./agents/node/blockprobe-agent.js server.js
//
// or, at the top of the server: require('./blockprobe-agent').start({ port: 9999 }).
//
// How it works. The main thread runs a heartbeat every 10 ms that stores its
// time in a SharedArrayBuffer, with the lag figures of
// perf_hooks.monitorEventLoopDelay. The worker reads that time: a heartbeat
// later than the threshold means the main loop is stalled now. The request
// whose 'request' event is being handled is in the shared buffer too (the
// agent wraps http.Server's emit). While a stall lasts the worker has the
// main thread's inspector evaluate a stack capture (Runtime.evaluate), which
// V8 runs on top of the blocked code at its next interrupt check or inside
// Atomics.wait. When the heartbeat runs again, the main thread posts the
// stall's length. What Node can and cannot name: agents/README.md.
'use strict';

const { isMainThread, workerData } = require('node:worker_threads');

const FORMAT = 'blockprobe-loop/1';
const SOURCE = 'agent-node';
const DEBUG_PATH = '/debug/loop';
const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_THRESHOLD_MS = 20;
const DEFAULT_RING = 256;

// The heartbeat's period bounds how well a stall is timed: it began at most
// one period before the heartbeat it made late was due.
const HEARTBEAT_MS = 10;
const SAMPLE_MS = 10; // at most one stack sample per this, while a stall lasts
const MAX_FRAMES = 5;
const MAX_SAMPLE_KINDS = 16;
const MAX_TEXT = 200;
const MAX_REQUEST_BYTES = 256;

// lagBounds are the histogram's fixed upper bounds: ten per decade, 0.1 ms to
// 100 s, the same list as the Python agent's.
function lagBounds() {
  const bounds = [];
  for (let i = 0; i <= 60; i++) {
    bounds.push(Number((0.1 * 10 ** (i / 10)).toPrecision(3)));
  }
  return bounds;
}

// The shared buffer: what the main thread publishes for the worker to read
// while the main thread cannot answer. Each group is written under a
// sequence counter (odd while writing) so the worker reads it whole.
const I_BEAT_SEQ = 0;
const I_REQ_SEQ = 1;
const I_REQ_ACTIVE = 2;
const I_REQ_LEN = 3;
const I_READY = 4;
const I_SESSION = 5; // the worker's inspector session is connected
const INTS = 8;
const F_LAST_BEAT = 0; // monotonic ms of the last heartbeat
const F_BEATS = 1; // heartbeats so far
const F_P50 = 2;
const F_P99 = 3;
const F_MAX = 4;
const F_HIST = 8; // then one count per bound and the overflow
const N_BUCKETS = lagBounds().length + 1;
const FLOATS = F_HIST + N_BUCKETS;

function sharedViews(sab) {
  return {
    ints: new Int32Array(sab, 0, INTS),
    floats: new Float64Array(sab, INTS * 4, FLOATS),
    request: new Uint8Array(sab, INTS * 4 + FLOATS * 8, MAX_REQUEST_BYTES),
  };
}

function sharedSize() {
  return INTS * 4 + FLOATS * 8 + MAX_REQUEST_BYTES;
}

// monotonicMs is the same clock on every thread, unlike performance.now().
function monotonicMs() {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}

function clip(text) {
  // eslint-disable-next-line no-control-regex
  return String(text).slice(0, MAX_TEXT).replace(/[\x00-\x1f\x7f]/g, '?');
}

// describeRequest is "METHOD /path": never the query, headers or body.
function describeRequest(req) {
  const url = typeof req.url === 'string' ? req.url : '';
  const end = url.search(/[?#]/);
  return clip(`${req.method} ${end < 0 ? url : url.slice(0, end)}`);
}

function parseAddress(text) {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$|^(\d+)$/.exec(String(text).trim());
  if (!m) {
    throw new Error(`BLOCKPROBE_AGENT wants HOST:PORT or PORT, got ${JSON.stringify(text)}`);
  }
  return { host: m[1] || m[2] || DEFAULT_HOST, port: Number(m[3] || m[4]) };
}

// ---------------------------------------------------------------- main thread

let agent = null;

// start runs the agent for this process: the heartbeat on this (the main)
// thread and the endpoint in a worker. A second call returns the first agent;
// in a worker thread it does nothing and returns null.
function start(options = {}) {
  if (!isMainThread) {
    return null;
  }
  if (agent !== null) {
    return agent;
  }
  const opts = {
    host: options.host || DEFAULT_HOST,
    port: options.port === undefined ? 0 : Number(options.port),
    thresholdMs: options.thresholdMs === undefined ? DEFAULT_THRESHOLD_MS : Number(options.thresholdMs),
    ring: options.ring === undefined ? DEFAULT_RING : Number(options.ring),
  };
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    throw new Error(`blockprobe-agent: port must be 0..65535, got ${options.port}`);
  }
  if (!(opts.thresholdMs > 0)) {
    throw new Error(`blockprobe-agent: thresholdMs must be > 0, got ${options.thresholdMs}`);
  }
  if (!Number.isInteger(opts.ring) || opts.ring < 1) {
    throw new Error(`blockprobe-agent: ring must be an integer >= 1, got ${options.ring}`);
  }
  agent = new MainSide(opts);
  return agent;
}

class MainSide {
  constructor(opts) {
    const { Worker } = require('node:worker_threads');
    const { monitorEventLoopDelay } = require('node:perf_hooks');
    this.opts = opts;
    this.bounds = lagBounds();
    this.sab = new SharedArrayBuffer(sharedSize());
    Object.assign(this, sharedViews(this.sab));
    this.encoder = new TextEncoder();
    this.lastSlowRequest = null; // a 'request' handler that ran past the threshold
    this.maxLag = 0;
    this.p50 = this.p99 = 0;
    this.published = ''; // the request text now in the shared buffer
    this.lastUrl = this.lastMethod = this.lastDescribed = undefined;
    this.eld = monitorEventLoopDelay({ resolution: HEARTBEAT_MS });
    this.wrapRequestEmit();

    this.worker = new Worker(__filename, {
      name: 'blockprobe-agent',
      execArgv: [], // not the server's -r: this file is the worker's script
      stdout: false,
      stderr: false,
      workerData: {
        blockprobeAgent: true,
        sab: this.sab,
        ...opts,
        cwd: process.cwd(),
        agentFile: __filename,
        startedMs: Date.now(),
        startedMono: monotonicMs(),
        runtime: `node ${process.version}`,
        pid: process.pid,
      },
    });
    this.worker.on('message', (m) => this.onMessage(m));
    this.worker.on('error', (err) => warn(`worker failed: ${err.message}; the server runs without the agent`));
    this.worker.on('exit', () => this.stop());
    this.worker.unref();

    this.last = monotonicMs();
    this.timer = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.timer.unref();
    process.on('exit', () => this.disconnect());
  }

  // disconnect has the worker close its inspector session before the process
  // exits; Node would otherwise print "Waiting for the debugger to
  // disconnect..." on exit, as for any session connected to the main thread.
  disconnect() {
    if (Atomics.load(this.ints, I_SESSION) === 1) {
      this.worker.postMessage({ type: 'exit' });
      Atomics.wait(this.ints, I_SESSION, 1, 100);
    }
  }

  // stop ends the main thread's part once the worker is gone (its port was
  // taken, or it failed): nobody reads the heartbeat any more.
  stop() {
    clearInterval(this.timer);
    this.eld.disable();
    Atomics.store(this.ints, I_READY, 0);
    Atomics.store(this.ints, I_SESSION, 0);
  }

  onMessage(m) {
    if (m.type === 'listening') {
      warn(`${DEBUG_PATH} on ${m.url}`);
    } else if (m.type === 'error') {
      warn(`cannot serve ${DEBUG_PATH} on ${this.opts.host}:${this.opts.port}: ${m.message}; ` +
        'the server runs without the agent');
    } else if (m.type === 'ready') {
      // Measuring starts once the worker serves and can read stacks: the
      // worker's start-up is not the server's stall.
      this.eld.reset();
      this.eld.enable();
      this.last = monotonicMs();
      // The time to be late from, before the first heartbeat: a request that
      // blocks the loop at once is a stall too.
      Atomics.add(this.ints, I_BEAT_SEQ, 1);
      this.floats[F_LAST_BEAT] = this.last;
      Atomics.add(this.ints, I_BEAT_SEQ, 1);
      Atomics.store(this.ints, I_READY, 1);
    }
  }

  beat() {
    const now = monotonicMs();
    const lag = Math.max(0, now - this.last - HEARTBEAT_MS);
    const due = this.last + HEARTBEAT_MS;
    this.last = now;
    if (Atomics.load(this.ints, I_READY) === 0) {
      return;
    }
    const { ints, floats, eld } = this;
    const beats = floats[F_BEATS];
    const bucket = F_HIST + bucketOf(this.bounds, lag);
    const stalled = lag > this.opts.thresholdMs;
    // monitorEventLoopDelay records each interval of its 10 ms timer whole;
    // the lag is what exceeds the period. Its percentiles walk a large
    // histogram: refreshed every tenth heartbeat, and after a stall.
    if (beats % 10 === 0 || stalled) {
      this.p50 = Math.max(0, eld.percentile(50) / 1e6 - HEARTBEAT_MS);
      this.p99 = Math.max(0, eld.percentile(99) / 1e6 - HEARTBEAT_MS);
    }
    const { p50, p99 } = this;
    // Its timer may fire after this one: the heartbeat's own maximum keeps
    // the stall that just ended in lag_max_ms from the first read on.
    this.maxLag = Math.max(this.maxLag, lag);
    const max = Math.max(0, eld.max / 1e6 - HEARTBEAT_MS, this.maxLag);
    // Plain stores only between the two counts, so the worker never waits
    // long on an odd count: a function call is where V8 may stop to run an
    // inspector request.
    Atomics.add(ints, I_BEAT_SEQ, 1);
    floats[F_LAST_BEAT] = now;
    floats[F_BEATS] = beats + 1;
    floats[bucket] += 1;
    floats[F_P50] = p50;
    floats[F_P99] = p99;
    floats[F_MAX] = max;
    Atomics.add(ints, I_BEAT_SEQ, 1);
    if (stalled) {
      const slow = this.lastSlowRequest;
      this.lastSlowRequest = null;
      this.worker.postMessage({
        type: 'stall', beats, due, lag,
        request: slow !== null && slow.end > due ? slow.name : '',
      });
    }
  }

  // wrapRequestEmit publishes, for the time a 'request' event's listeners
  // run, which request it is: the worker reads it while the loop is stuck.
  wrapRequestEmit() {
    const self = this;
    for (const name of ['node:http', 'node:https']) {
      const proto = require(name).Server.prototype;
      const emit = proto.emit;
      if (emit.blockprobeAgent) {
        continue;
      }
      const wrapped = function (type, req) {
        if (type !== 'request' || req === null || typeof req !== 'object') {
          return emit.apply(this, arguments);
        }
        const described = self.describe(req);
        const started = self.enterRequest(described);
        try {
          return emit.apply(this, arguments);
        } finally {
          self.leaveRequest(described, started);
        }
      };
      wrapped.blockprobeAgent = true;
      proto.emit = wrapped;
    }
  }

  // describe is describeRequest, remembered for the last method and URL:
  // a server under load answers the same few paths again and again.
  describe(req) {
    if (req.url !== this.lastUrl || req.method !== this.lastMethod) {
      this.lastUrl = req.url;
      this.lastMethod = req.method;
      this.lastDescribed = describeRequest(req);
    }
    return this.lastDescribed;
  }

  enterRequest(described) {
    const { ints } = this;
    // encodeInto is a call, where an inspector request may run; the
    // worker's reader gives up rather than wait on an odd count.
    Atomics.add(ints, I_REQ_SEQ, 1);
    if (described !== this.published) { // most requests repeat a path: encode it once
      ints[I_REQ_LEN] = this.encoder.encodeInto(described, this.request).written;
      this.published = described;
    }
    ints[I_REQ_ACTIVE] = 1;
    Atomics.add(ints, I_REQ_SEQ, 1);
    return monotonicMs();
  }

  leaveRequest(described, started) {
    Atomics.store(this.ints, I_REQ_ACTIVE, 0);
    const end = monotonicMs();
    if (end - started > this.opts.thresholdMs) {
      this.lastSlowRequest = { name: described, end };
    }
  }
}

function bucketOf(bounds, ms) {
  let lo = 0;
  let hi = bounds.length; // the overflow
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bounds[mid] >= ms) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

function warn(text) {
  process.stderr.write(`blockprobe-agent: ${text}\n`);
}

// --------------------------------------------------------------- agent worker

// Stall is one time the heartbeat ran later than the threshold. beats is the
// heartbeat count before it, which the main thread's report of its end
// carries too.
class Stall {
  constructor(beats, startMono, startMs) {
    this.beats = beats;
    this.startMono = startMono;
    this.startMs = startMs;
    this.durationMs = 0;
    this.ongoing = true;
    this.request = '';
    this.samples = new Map(); // key -> { count, frames, fn }
    this.nsamples = 0;
    this.frames = [];
    this.fn = '';
  }

  addSample(frames) {
    this.nsamples++;
    const key = frames.map((f) => `${f.file}:${f.line}:${f.function}`).join('|');
    let kind = this.samples.get(key);
    if (kind === undefined && this.samples.size < MAX_SAMPLE_KINDS) {
      kind = { count: 0, frames };
      this.samples.set(key, kind);
    }
    if (kind !== undefined) {
      kind.count++;
    }
    let best = null;
    for (const k of this.samples.values()) {
      if (best === null || k.count > best.count) {
        best = k;
      }
    }
    this.frames = best.frames;
  }

  get handler() {
    if (this.request) {
      return this.request;
    }
    return this.frames.length > 0 ? this.frames[0].function : '';
  }

  finish(durationMs, request) {
    this.durationMs = durationMs;
    this.ongoing = false;
    this.request = this.request || request || '';
    this.samples = new Map(); // the name is chosen; keep the ring small
  }
}

class WorkerSide {
  constructor(data) {
    const { parentPort } = require('node:worker_threads');
    this.data = data;
    this.port = parentPort;
    this.bounds = lagBounds();
    Object.assign(this, sharedViews(data.sab));
    this.thresholdMs = data.thresholdMs;
    this.ring = [];
    this.stallsTotal = 0;
    this.busyMs = 0;
    this.slowest = { ms: 0, handler: '' };
    this.open = null; // the stall going on, also the ring's last entry
    this.lastBeat = null;
    this.stacks = new StackReader({ ...data, ints: this.ints }, (stall, frames) => this.onStack(stall, frames));
    this.port.on('message', (m) => {
      if (m.type === 'stall') {
        this.onStallEnd(m);
      } else if (m.type === 'exit') {
        this.stacks.disconnect();
      }
    });
    this.serve();
    const tick = Math.min(10, Math.max(1, this.thresholdMs / 2));
    setInterval(() => this.tick(), tick);
    this.stacks.enable(() => this.port.postMessage({ type: 'ready' }));
  }

  // readBeat is the heartbeat group of the shared buffer, read whole.
  readBeat() {
    const { ints, floats } = this;
    for (let tries = 0; tries < 10000; tries++) {
      const seq = Atomics.load(ints, I_BEAT_SEQ);
      if (seq % 2 === 1) {
        continue; // the main thread is writing a few numbers
      }
      const beat = {
        last: floats[F_LAST_BEAT], beats: floats[F_BEATS],
        p50: floats[F_P50], p99: floats[F_P99], max: floats[F_MAX],
        counts: Array.from(floats.subarray(F_HIST, F_HIST + N_BUCKETS)),
      };
      if (Atomics.load(ints, I_BEAT_SEQ) === seq) {
        this.lastBeat = beat;
        return beat;
      }
    }
    return this.lastBeat; // never expected; better stale than stuck
  }

  // readLast is the last heartbeat's time and count, read whole: all the
  // tick needs, a hundred times a second.
  readLast() {
    const { ints, floats } = this;
    for (let tries = 0; tries < 10000; tries++) {
      const seq = Atomics.load(ints, I_BEAT_SEQ);
      const last = floats[F_LAST_BEAT];
      const beats = floats[F_BEATS];
      if (seq % 2 === 0 && Atomics.load(ints, I_BEAT_SEQ) === seq) {
        return { last, beats };
      }
    }
    return this.lastBeat || { last: 0, beats: 0 };
  }

  // readRequest is the request whose 'request' listeners run now, or ''.
  readRequest() {
    const { ints } = this;
    for (let tries = 0; tries < 1000; tries++) {
      const seq = Atomics.load(ints, I_REQ_SEQ);
      if (seq % 2 === 1) {
        continue;
      }
      const active = Atomics.load(ints, I_REQ_ACTIVE) === 1;
      const bytes = this.request.slice(0, Atomics.load(ints, I_REQ_LEN));
      if (Atomics.load(ints, I_REQ_SEQ) === seq) {
        return active ? new TextDecoder().decode(bytes) : '';
      }
    }
    return '';
  }

  tick() {
    if (Atomics.load(this.ints, I_READY) === 0) {
      return;
    }
    const beat = this.readLast();
    const now = monotonicMs();
    const late = now - beat.last - HEARTBEAT_MS;
    const open = this.open;
    if (open !== null && open.beats !== beat.beats) {
      return; // over: the main thread's report of it is on its way
    }
    if (late <= this.thresholdMs) {
      return;
    }
    if (open === null) {
      this.open = this.newStall(beat.beats, beat.last + HEARTBEAT_MS);
    }
    const stall = this.open;
    if (stall.request === '') {
      // The loop may have been late already when the request's listener
      // began: the stall is one, from the late heartbeat on.
      stall.request = this.readRequest();
    }
    stall.durationMs = late;
    this.stacks.sample(stall, () => this.readLast().beats === stall.beats);
  }

  newStall(beats, startMono) {
    const stall = new Stall(beats, startMono, this.data.startedMs + (startMono - this.data.startedMono));
    this.ring.push(stall);
    if (this.ring.length > this.data.ring) {
      this.ring.shift();
    }
    this.stallsTotal++;
    return stall;
  }

  onStallEnd(m) {
    let stall = this.open;
    if (stall !== null && stall.beats !== m.beats) {
      this.finish(stall, stall.durationMs, ''); // never expected: its own report went missing
      stall = null;
    }
    if (stall === null) {
      stall = this.newStall(m.beats, m.due); // over before the worker looked
    }
    this.finish(stall, m.lag, m.request);
  }

  finish(stall, lag, request) {
    this.open = null;
    stall.finish(lag, request);
    this.busyMs += lag;
    if (lag > this.slowest.ms) {
      this.slowest = { ms: lag, stall };
    }
  }

  onStack(stall, frames) {
    if (stall.ongoing) {
      stall.addSample(frames);
    }
  }

  snapshot() {
    const beat = this.readBeat();
    const nowMono = monotonicMs();
    const windowMs = nowMono - this.data.startedMono;
    let slowestMs = this.slowest.ms;
    let slowestHandler = this.slowest.stall ? this.slowest.stall.handler : '';
    let stillRunning = false;
    let ongoingMs = 0;
    if (this.open !== null) {
      ongoingMs = Math.max(this.open.durationMs, nowMono - this.open.startMono);
      this.open.durationMs = ongoingMs;
      if (ongoingMs >= slowestMs) {
        slowestMs = ongoingMs;
        slowestHandler = this.open.handler;
        stillRunning = true;
      }
    }
    // The two clocks time the same stall a little apart: only a lag clearly
    // longer than every stall is the slowest in its own right.
    if (beat.max > slowestMs + HEARTBEAT_MS) {
      slowestMs = beat.max;
      slowestHandler = '';
      stillRunning = false;
    }
    return {
      format: FORMAT,
      source: SOURCE,
      runtime: this.data.runtime,
      pid: this.data.pid,
      now_ms: round(this.data.startedMs + windowMs),
      started_ms: round(this.data.startedMs),
      window_ms: round(windowMs),
      threshold_ms: this.thresholdMs,
      slowest_callback_ms: round(slowestMs),
      slowest_handler: slowestHandler,
      slowest_still_running: stillRunning,
      lag_p50_ms: round(beat.p50),
      lag_p99_ms: round(beat.p99),
      lag_max_ms: round(beat.max),
      lag_histogram: { bounds_ms: this.bounds, counts: beat.counts },
      busy_fraction: windowMs > 0 ? round(Math.min(1, (this.busyMs + ongoingMs) / windowMs), 6) : 0,
      callbacks: 0,
      longest_queue: 0,
      stalls_total: this.stallsTotal,
      stalls: this.ring.map((s) => ({
        start_ms: round(s.startMs),
        duration_ms: round(s.durationMs),
        ongoing: s.ongoing,
        handler: s.handler,
        request: s.request,
        frames: s.frames,
        samples: s.nsamples,
      })),
    };
  }

  serve() {
    const http = require('node:http');
    const server = http.createServer((req, res) => {
      const path = (req.url || '').split('?')[0];
      let status = 200;
      let body;
      if (path !== DEBUG_PATH) {
        status = 404;
        body = '404: Not Found\n';
      } else if (req.method !== 'GET' && req.method !== 'HEAD') {
        status = 405;
        body = '405: Method Not Allowed\n';
      } else {
        body = `${JSON.stringify(this.snapshot())}\n`;
      }
      res.writeHead(status, {
        'Content-Type': status === 200 ? 'application/json' : 'text/plain; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
        'Cache-Control': 'no-store',
        ...(status === 405 ? { Allow: 'GET, HEAD' } : {}),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
    server.on('error', (err) => {
      this.port.postMessage({ type: 'error', message: err.message });
      this.stacks.disconnect();
      process.exit(0); // this worker only: the server goes on without the agent
    });
    server.listen({ host: this.data.host, port: this.data.port }, () => {
      const { port } = server.address();
      const host = this.data.host.includes(':') ? `[${this.data.host}]` : this.data.host;
      this.port.postMessage({ type: 'listening', url: `http://${host}:${port}${DEBUG_PATH}` });
    });
  }
}

// STACK_EXPRESSION runs on the main thread, on top of whatever it was
// running, and returns that stack as [file, line, function] triples. It sets
// Error.prepareStackTrace and stackTraceLimit for the one capture only.
const STACK_EXPRESSION = `(() => {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  Error.prepareStackTrace = (_, sites) => sites.map((c) =>
    [c.getFileName() || '', c.getLineNumber() || 0, c.getFunctionName() || c.getMethodName() || '']);
  const holder = {};
  try {
    Error.captureStackTrace(holder);
    return JSON.stringify(holder.stack);
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
})()`;

// StackReader samples the main thread's JavaScript stack through its
// inspector. Runtime.evaluate is served between two statements (at a
// function entry or loop back-edge) or inside Atomics.wait, even while the
// main loop is blocked; the expression captures the stack under it. A sample
// taken once the heartbeat ran again is dropped: the stall was over.
// (Debugger.pause would give the same stack, but an enabled Debugger domain
// makes every promise operation about ten times slower.)
class StackReader {
  constructor(data, onStack) {
    this.data = data;
    this.onStack = onStack;
    this.session = null;
    this.pending = false;
    this.lastAsk = 0;
    this.sources = new Map(); // file -> lines, for the code column
    this.disabled = '';
  }

  enable(done) {
    try {
      const inspector = require('node:inspector');
      this.session = new inspector.Session();
      this.session.connectToMainThread();
      Atomics.store(this.data.ints, I_SESSION, 1);
    } catch (err) {
      this.disabled = `no inspector: ${err.message}`;
      this.session = null;
    }
    done();
  }

  disconnect() {
    if (this.session !== null) {
      this.session.disconnect();
      this.session = null;
    }
    Atomics.store(this.data.ints, I_SESSION, 0);
    Atomics.notify(this.data.ints, I_SESSION);
  }

  sample(stall, stillOn) {
    const now = monotonicMs();
    if (this.session === null || this.pending || now - this.lastAsk < SAMPLE_MS) {
      return;
    }
    this.lastAsk = now;
    this.pending = true;
    const params = { expression: STACK_EXPRESSION, returnByValue: true, silent: true };
    this.session.post('Runtime.evaluate', params, (err, answer) => {
      this.pending = false;
      if (err || !answer || answer.exceptionDetails || !stillOn()) {
        return;
      }
      let sites;
      try {
        sites = JSON.parse(answer.result.value);
      } catch {
        return;
      }
      const frames = this.frames(sites);
      if (frames.length > 0) {
        this.onStack(stall, frames);
      }
    });
  }

  // frames are the innermost of the server's own, or failing that of any
  // code but the agent's: the capture's own frames have no file.
  frames(sites) {
    const ours = [];
    const other = [];
    for (const [url, line, fn] of sites) {
      if (url === '' || this.path(url) === this.data.agentFile) {
        continue;
      }
      const list = this.isServerCode(url) ? ours : other;
      if (list.length < MAX_FRAMES) {
        list.push({ url, line, fn });
      }
    }
    return (ours.length > 0 ? ours : other).map(({ url, line, fn }) => ({
      file: this.display(url), line, function: clip(fn || '(anonymous)'), code: this.sourceLine(url, line),
    }));
  }

  isServerCode(url) {
    return !url.startsWith('node:') && !url.includes('/node_modules/');
  }

  path(url) {
    if (url.startsWith('file://')) {
      try {
        return require('node:url').fileURLToPath(url);
      } catch {
        return url;
      }
    }
    return url;
  }

  display(url) {
    const path = require('node:path');
    const file = this.path(url);
    if (path.isAbsolute(file) && file.startsWith(this.data.cwd + path.sep)) {
      return clip(path.relative(this.data.cwd, file));
    }
    return clip(file);
  }

  sourceLine(url, line) {
    const file = this.path(url);
    let lines = this.sources.get(file);
    if (lines === undefined) {
      try {
        lines = require('node:fs').readFileSync(file, 'utf8').split('\n');
      } catch {
        lines = [];
      }
      if (this.sources.size >= 64) {
        this.sources.delete(this.sources.keys().next().value);
      }
      this.sources.set(file, lines);
    }
    return clip((lines[line - 1] || '').trim());
  }
}

function round(x, digits = 3) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

// ------------------------------------------------------------------- wiring

if (!isMainThread && workerData && workerData.blockprobeAgent && require.main === module) {
  new WorkerSide(workerData); // eslint-disable-line no-new
} else if (isMainThread && process.env.BLOCKPROBE_AGENT) {
  try {
    const { host, port } = parseAddress(process.env.BLOCKPROBE_AGENT);
    const env = process.env;
    start({
      host,
      port,
      thresholdMs: env.BLOCKPROBE_AGENT_THRESHOLD_MS === undefined ? undefined : Number(env.BLOCKPROBE_AGENT_THRESHOLD_MS),
      ring: env.BLOCKPROBE_AGENT_RING === undefined ? undefined : Number(env.BLOCKPROBE_AGENT_RING),
    });
  } catch (err) {
    warn(`${err.message}; the server runs without the agent`);
  }
}

module.exports = { start, FORMAT, DEBUG_PATH, lagBounds, describeRequest, parseAddress };
