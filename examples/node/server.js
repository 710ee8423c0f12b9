#!/usr/bin/env node
// A Node HTTP server whose ComplexHandler either blocks the event loop or not.
//
// MainHandler (GET /) answers at once. ComplexHandler (GET /complex) works for
// --delay seconds in one of three ways, chosen with --mode:
//
//   blocking  Atomics.wait() on the main thread: the event loop sleeps, and
//             every other request, MainHandler's included, waits.
//   async     setTimeout(): the handler returns and the loop serves other
//             requests until the timer fires.
//   pooled    Atomics.wait() in one of --pool worker threads: the loop stays
//             free; requests beyond --pool wait in a FIFO queue.
//
// No dependencies: node server.js --mode async --port 8888 --delay 5.
//
// To see which request and line hold the loop, preload blockprobe's loop
// agent, with no change here (see ../../agents/README.md):
//
//   BLOCKPROBE_AGENT=127.0.0.1:9999 node -r ./agents/node/blockprobe-agent.js \
//       examples/node/server.js --mode blocking --delay 1
//   curl http://127.0.0.1:9999/debug/loop
//
// In blocking mode its stalls name "GET /complex" and the Atomics.wait line
// in sleepThread, called from the blocking handler.
'use strict';

const http = require('node:http');
const os = require('node:os');
const { Worker, isMainThread, parentPort } = require('node:worker_threads');

const HOST = '127.0.0.1';

// Connections a blocked loop cannot accept wait in the kernel's backlog; a
// full backlog drops SYNs, and the client's retry would add a second or more
// to the latency blockprobe measures.
const BACKLOG = 1024;

// sleepThread blocks the calling thread for ms milliseconds, as a blocking
// system call would. Nothing else runs on that thread meanwhile.
function sleepThread(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// Pool runs jobs on size worker threads; with every worker busy, a job waits
// in a FIFO queue for the first one to come free.
class Pool {
  constructor(size) {
    this.idle = [];
    this.queue = [];
    this.workers = [];
    for (let i = 0; i < size; i++) {
      const w = new Worker(__filename);
      w.on('error', (err) => {
        console.error(`worker: ${err.message}`);
        process.exit(1);
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  // sleep resolves once a worker has slept ms milliseconds.
  sleep(ms) {
    return new Promise((resolve) => {
      this.queue.push({ ms, resolve });
      this.next();
    });
  }

  next() {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.shift();
      const job = this.queue.shift();
      w.once('message', () => {
        this.idle.push(w);
        job.resolve();
        this.next();
      });
      w.postMessage(job.ms);
    }
  }

  close() {
    this.queue = [];
    return Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function complexHandler(mode, delayMs, pool) {
  const answer = (res) =>
    send(res, 200, `[ComplexHandler] done: ${delayMs / 1000}s of work in ${mode} mode\n`);
  switch (mode) {
    case 'blocking':
      return (req, res) => {
        sleepThread(delayMs); // the bug: this thread is the event loop
        answer(res);
      };
    case 'async':
      return (req, res) => {
        setTimeout(() => answer(res), delayMs);
      };
    default:
      return (req, res) => {
        pool.sleep(delayMs).then(() => answer(res));
      };
  }
}

function send(res, status, body, headers = {}) {
  if (res.destroyed) {
    return; // the client left while the work was done
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}

function parseArgs(argv) {
  const opts = { mode: 'blocking', port: 8888, delay: 5, pool: 5 };
  const number = (name, text, min, integer) => {
    const v = Number(text);
    if (text === undefined || text === '' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
      usage(`--${name} wants ${integer ? 'an integer' : 'a number'} >= ${min}, got ${text}`);
    }
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    let [flag, value] = argv[i].split(/=(.*)/s, 2);
    if (flag === '-h' || flag === '--help') {
      usage();
    }
    if (value === undefined) {
      value = argv[++i];
    }
    switch (flag) {
      case '--mode':
        if (!['blocking', 'async', 'pooled'].includes(value)) {
          usage(`--mode wants blocking, async or pooled, got ${value}`);
        }
        opts.mode = value;
        break;
      case '--port':
        opts.port = number('port', value, 0, true);
        if (opts.port > 65535) {
          usage(`--port wants a port <= 65535, got ${value}`);
        }
        break;
      case '--delay':
        opts.delay = number('delay', value, 0, false);
        break;
      case '--pool':
        opts.pool = number('pool', value, 1, true);
        break;
      default:
        usage(`unknown flag ${flag}`);
    }
  }
  return opts;
}

function usage(problem) {
  const text =
    'usage: node server.js [--mode blocking|async|pooled] [--port 8888] [--delay 5] [--pool 5]';
  if (problem === undefined) {
    console.log(text);
    process.exit(0);
  }
  console.error(`server.js: ${problem}\n${text}`);
  process.exit(2);
}

function main(argv) {
  const opts = parseArgs(argv);
  const delayMs = opts.delay * 1000;
  const pool = opts.mode === 'pooled' ? new Pool(opts.pool) : null;
  const routes = {
    '/': (req, res) => send(res, 200, '[MainHandler] Hello, world'),
    '/complex': complexHandler(opts.mode, delayMs, pool),
  };

  const server = http.createServer((req, res) => {
    const path = new URL(req.url, `http://${HOST}`).pathname;
    const handle = routes[path];
    if (handle === undefined) {
      send(res, 404, '404: Not Found\n');
    } else if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, '405: Method Not Allowed\n', { Allow: 'GET, HEAD' });
    } else {
      handle(req, res);
    }
  });
  server.on('error', (err) => {
    console.error(`server.js: ${err.message}`);
    process.exit(1);
  });
  server.listen({ host: HOST, port: opts.port, backlog: BACKLOG }, () => {
    console.log(`listening on http://${HOST}:${server.address().port}`);
  });

  // In blocking mode a signal is handled only once the loop is free again:
  // the handler, like every other callback, waits for the sleep to end.
  let stopping = false;
  const stop = (signal) => {
    if (stopping) {
      process.exit(128 + os.constants.signals[signal]);
    }
    stopping = true;
    console.error('stopping; signal again to quit at once');
    server.close();
    server.closeAllConnections();
    Promise.resolve(pool && pool.close()).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (!isMainThread) {
  // A pool worker: one job at a time, each a blocking sleep.
  parentPort.on('message', (ms) => {
    sleepThread(ms);
    parentPort.postMessage('done');
  });
} else {
  main(process.argv.slice(2));
}
