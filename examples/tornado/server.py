#!/usr/bin/env python3
"""A Tornado 6 app whose ComplexHandler either blocks the event loop or not.

MainHandler (GET /) answers at once. ComplexHandler (GET /complex) works for
--delay seconds in one of three ways, chosen with --mode:

  blocking  time.sleep() in the handler, on the loop's only thread: every
            other request, MainHandler's included, waits until it returns.
  async     await asyncio.sleep(): the coroutine suspends and the loop serves
            other requests meanwhile.
  pooled    time.sleep() in a ThreadPoolExecutor(--pool) worker through
            run_on_executor: the loop stays free; requests beyond --pool wait
            in the executor's queue for a free thread.

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
import signal
import socket
import sys
import time

import tornado.concurrent
import tornado.httpserver
import tornado.netutil
import tornado.web

HOST = "127.0.0.1"

# Connections a blocked loop cannot accept wait in the kernel's backlog. A
# full backlog drops SYNs and the client retries a second or more later,
# which would add that retry to the latency blockprobe measures.
BACKLOG = 1024


class TextHandler(tornado.web.RequestHandler):
    def set_default_headers(self):
        self.set_header("Content-Type", "text/plain; charset=utf-8")


class MainHandler(TextHandler):
    def get(self):
        self.write("[MainHandler] Hello, world")


class ComplexHandler(TextHandler):
    """What the three forms share: the delay and the answer."""

    def initialize(self, delay, mode):
        self.delay = delay
        self.mode = mode

    def answer(self):
        self.write(f"[ComplexHandler] done: {self.delay:g}s of work in {self.mode} mode\n")


class BlockingComplexHandler(ComplexHandler):
    def get(self):
        # The bug: this thread is the event loop, and it sleeps.
        time.sleep(self.delay)
        self.answer()


class AsyncComplexHandler(ComplexHandler):
    async def get(self):
        # The loop runs other callbacks until the timer fires.
        await asyncio.sleep(self.delay)
        self.answer()


class PooledComplexHandler(ComplexHandler):
    def initialize(self, delay, mode, executor):
        super().initialize(delay, mode)
        self.executor = executor  # the attribute run_on_executor looks up

    async def get(self):
        await self.work()
        self.answer()

    @tornado.concurrent.run_on_executor
    def work(self):
        # Blocking, but on a pool thread: the loop's thread is not held.
        time.sleep(self.delay)


def make_app(mode, delay, executor):
    kwargs = {"delay": delay, "mode": mode}
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


def stop_on_signals(loop, stop):
    """Set stop on SIGINT or SIGTERM; a second signal exits at once.

    A plain signal.signal handler runs even while a blocking handler holds the
    loop (Python runs it between bytecodes), so the second signal can end a
    process whose loop would only notice the first after time.sleep returns.
    """
    received = 0

    def handle(signum, _frame):
        nonlocal received
        received += 1
        if received > 1:
            os._exit(128 + signum)
        print("stopping; signal again to quit at once", file=sys.stderr, flush=True)
        loop.call_soon_threadsafe(stop.set)

    signal.signal(signal.SIGINT, handle)
    signal.signal(signal.SIGTERM, handle)


def ignore_cancellation(loop, context):
    if not isinstance(context.get("exception"), asyncio.CancelledError):
        loop.default_exception_handler(context)


async def serve(args):
    executor = None
    if args.mode == "pooled":
        executor = concurrent.futures.ThreadPoolExecutor(args.pool)
    app = make_app(args.mode, args.delay, executor)
    sockets = tornado.netutil.bind_sockets(
        args.port, address=HOST, family=socket.AF_INET, backlog=BACKLOG
    )
    server = tornado.httpserver.HTTPServer(app)
    server.add_sockets(sockets)
    port = sockets[0].getsockname()[1]

    stop = asyncio.Event()
    stop_on_signals(asyncio.get_running_loop(), stop)
    print(f"listening on http://{HOST}:{port}", flush=True)
    await stop.wait()

    server.stop()
    try:
        await asyncio.wait_for(server.close_all_connections(), timeout=2)
    except asyncio.TimeoutError:
        pass
    # Returning cancels the handlers still suspended; Tornado reports each
    # cancellation as an error, which at shutdown is expected.
    asyncio.get_running_loop().set_exception_handler(ignore_cancellation)
    if executor is not None:
        # Queued work is dropped; a worker in time.sleep finishes its sleep
        # before the interpreter exits.
        executor.shutdown(wait=False, cancel_futures=True)


def parse_args(argv):
    def at_least(minimum, kind):
        def parse(text):
            value = kind(text)
            if value < minimum:
                raise argparse.ArgumentTypeError(f"must be >= {minimum}, got {text}")
            return value

        return parse

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mode", choices=["blocking", "async", "pooled"], default="blocking",
                   help="how ComplexHandler works (default: blocking)")
    p.add_argument("--port", type=at_least(0, int), default=8888,
                   help="port on 127.0.0.1; 0 picks a free one (default: 8888)")
    p.add_argument("--delay", type=at_least(0, float), default=5.0,
                   help="seconds of work per ComplexHandler request (default: 5)")
    p.add_argument("--pool", type=at_least(1, int), default=5,
                   help="executor threads in pooled mode (default: 5)")
    args = p.parse_args(argv)
    if args.port > 65535:
        p.error(f"argument --port: must be <= 65535, got {args.port}")
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        asyncio.run(serve(args))
    except OSError as e:
        print(f"server.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
