#!/usr/bin/env python3
"""A Tornado 6 app whose ComplexHandler either blocks the event loop or not.

MainHandler (GET /) answers at once. ComplexHandler (GET /complex) works for
--delay seconds in one of three ways, chosen with --mode:

  blocking  the work in the handler, on the loop's only thread: every other
            request, MainHandler's included, waits until it is done.
  async     await asyncio.sleep(): the coroutine suspends and the loop serves
            other requests meanwhile. CPU work has nothing to await: it runs
            in the coroutine and blocks the loop as in blocking mode.
  pooled    the work in one of --pool executor workers: the loop stays free;
            requests beyond --pool wait in the executor's queue.

--work picks the work: sleep (time.sleep, blocking I/O; it releases the GIL)
or cpu (a pure-Python computation for --delay seconds of the thread's CPU
time; it holds the GIL while it computes). --executor picks the pool: thread
(ThreadPoolExecutor, whose workers share the loop's GIL) or process
(ProcessPoolExecutor, a GIL per worker: the fix for CPU work).
--switch-interval sets sys.setswitchinterval, how long a thread waits for the
GIL before it asks the holder to drop it (CPython's default is 5ms).

Probe it with blockprobe (see ../README.md). Run it with the Python that has
Tornado, on Debian /usr/bin/python3 once python3-tornado is installed.

To see which handler and line hold the loop, run it under blockprobe's loop
agent, unchanged (see ../../agents/README.md):

  /usr/bin/python3 agents/python/blockprobe_agent.py --port 9999 -- \\
      examples/tornado/server.py --mode blocking --delay 1
  curl http://127.0.0.1:9999/debug/loop

In blocking mode its stalls name "BlockingComplexHandler.get", "GET /complex"
and the time.sleep line below.
"""

import argparse
import asyncio
import concurrent.futures
import os
import multiprocessing
import signal
import socket
import sys
import threading
import time

import tornado.httpserver
import tornado.ioloop
import tornado.netutil
import tornado.web

# The flags, the printed address and the signals are the examples' shared
# frame (../example_server.py); this file holds the handlers.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from example_server import BACKLOG, HOST, parse, parser, run, until_stopped  # noqa: E402

# Set at shutdown: a computation in a pool thread ends early rather than keep
# the interpreter from exiting.
stopping = threading.Event()


def compute(seconds):
    """Computes in pure Python until this thread has had `seconds` of CPU.

    The thread's CPU time, not the wall clock, bounds it: a thread that waits
    for the GIL makes no progress, just as a real computation makes none.
    """
    end = time.thread_time() + seconds
    x = 0
    while time.thread_time() < end and not stopping.is_set():
        for i in range(500):
            x = (x * 31 + i) % 1000003
    return x


def work(kind, seconds):
    """ComplexHandler's work: blocking I/O (sleep) or computation (cpu)."""
    if kind == "cpu":
        compute(seconds)
    else:
        time.sleep(seconds)


def process_worker_init():
    """Runs in each ProcessPoolExecutor worker as it starts.

    A worker must not outlive the server: it asks Linux to end it when its
    parent dies (a SIGKILL gives the server no chance to stop it), and it lets
    go of the server's stdout and stderr, which a script or test reading them
    waits on until every holder has closed them.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: the server's own shutdown still stops its workers


class TextHandler(tornado.web.RequestHandler):
    def set_default_headers(self):
        self.set_header("Content-Type", "text/plain; charset=utf-8")


class MainHandler(TextHandler):
    def get(self):
        self.write("[MainHandler] Hello, world")


class ComplexHandler(TextHandler):
    """What the three forms share: the delay and the answer."""

    def initialize(self, delay, mode, kind):
        self.delay = delay
        self.mode = mode
        self.kind = kind

    def answer(self):
        self.write(f"[ComplexHandler] done: {self.delay:g}s of work in {self.mode} mode\n")


class BlockingComplexHandler(ComplexHandler):
    def get(self):
        # The bug: this thread is the event loop, and it sleeps (or computes).
        if self.kind == "cpu":
            compute(self.delay)
        else:
            time.sleep(self.delay)
        self.answer()


class AsyncComplexHandler(ComplexHandler):
    async def get(self):
        if self.kind == "cpu":
            # await is no help here: a computation has no point at which the
            # coroutine suspends, so the loop waits for all of it.
            compute(self.delay)
        else:
            # The loop runs other callbacks until the timer fires.
            await asyncio.sleep(self.delay)
        self.answer()


class PooledComplexHandler(ComplexHandler):
    def initialize(self, delay, mode, kind, executor):
        super().initialize(delay, mode, kind)
        self.executor = executor

    async def get(self):
        # Blocking, but on a pool worker: the loop's thread is not held. A
        # thread worker still shares the GIL with the loop; a process does not.
        # (run_on_executor would pass self, which a process cannot receive.)
        await tornado.ioloop.IOLoop.current().run_in_executor(
            self.executor, work, self.kind, self.delay
        )
        self.answer()


def make_app(mode, delay, executor, kind="sleep"):
    kwargs = {"delay": delay, "mode": mode, "kind": kind}
    if mode == "blocking":
        complex_handler = BlockingComplexHandler
    elif mode == "async":
        complex_handler = AsyncComplexHandler
    else:
        complex_handler = PooledComplexHandler
        kwargs["executor"] = executor
    return tornado.web.Application(
        [
            (r"/", MainHandler),
            (r"/complex", complex_handler, kwargs),
        ]
    )


def ignore_cancellation(loop, context):
    if not isinstance(context.get("exception"), asyncio.CancelledError):
        loop.default_exception_handler(context)


async def serve(args):
    executor = None
    if args.mode == "pooled" and args.executor == "process":
        executor = concurrent.futures.ProcessPoolExecutor(args.pool, initializer=process_worker_init)
    elif args.mode == "pooled":
        executor = concurrent.futures.ThreadPoolExecutor(args.pool)
    app = make_app(args.mode, args.delay, executor, args.work)
    sockets = tornado.netutil.bind_sockets(
        args.port, address=HOST, family=socket.AF_INET, backlog=BACKLOG
    )
    server = tornado.httpserver.HTTPServer(app)
    server.add_sockets(sockets)
    port = sockets[0].getsockname()[1]

    await until_stopped(port)

    server.stop()
    try:
        await asyncio.wait_for(server.close_all_connections(), timeout=2)
    except asyncio.TimeoutError:
        pass
    # Returning cancels the handlers still suspended; Tornado reports each
    # cancellation as an error, which at shutdown is expected.
    asyncio.get_running_loop().set_exception_handler(ignore_cancellation)
    if executor is not None:
        # Queued work is dropped; a thread in time.sleep finishes its sleep
        # before the interpreter exits, a computation stops early, and a
        # process is stopped where it is.
        stopping.set()
        for child in multiprocessing.active_children():
            child.terminate()
        executor.shutdown(wait=False, cancel_futures=True)


def parse_args(argv):
    def switch_interval(text):
        try:
            value = float(text[:-2]) / 1000 if text.endswith("ms") else float(text.rstrip("s"))
        except ValueError:
            raise argparse.ArgumentTypeError(f"want seconds (0.005) or milliseconds (5ms), got {text}")
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
        return value

    p = parser(__doc__, "executor workers")
    p.add_argument("--work", choices=["sleep", "cpu"], default="sleep",
                   help="ComplexHandler's work: sleep (blocking I/O) or cpu "
                        "(pure-Python computation for --delay s of CPU time) (default: sleep)")
    p.add_argument("--executor", choices=["thread", "process"], default="thread",
                   help="pool in pooled mode: thread (ThreadPoolExecutor, one GIL) "
                        "or process (ProcessPoolExecutor, a GIL each) (default: thread)")
    p.add_argument("--switch-interval", type=switch_interval, default=None,
                   help="GIL switch interval, seconds or with ms (5ms); "
                        "sys.setswitchinterval (default: CPython's, 5ms)")
    return parse(p, argv)


def main(argv=None):
    args = parse_args(argv)
    if args.switch_interval is not None:
        sys.setswitchinterval(args.switch_interval)
    return run(serve, args)


if __name__ == "__main__":
    sys.exit(main())
