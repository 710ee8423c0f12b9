#!/usr/bin/python3
"""Runs examples/tornado/server.py unchanged, logging the steps of its loop.

It wraps, without changing what they do, asyncio's loop iteration and poll,
Tornado's accept, its inline read (hit: the request was already there; miss:
the stream waits for the socket) and read on a poll event, and each
handler's start and end. At exit it writes one line per step to TRACE_OUT
(default tornado-trace.txt): nanoseconds, the iteration, the step and its
details (file descriptors, handler names). It is a tidied copy of the
tracer behind bench/FIDELITY.md's "What decides the race after a block"
(the same wrappers); the tracing itself adds some work to every step, so
read its order, not its rates.

  TRACE_OUT=/tmp/t.txt /usr/bin/python3 bench/tornado-trace.py --mode blocking --delay 0.5 --port 8888
"""

import asyncio
import asyncio.base_events
import atexit
import os
import runpy
import selectors
import sys
import time

import tornado.iostream as iostream
import tornado.tcpserver as tcpserver
import tornado.web as web

LOG = []
ITERATION = [0]


def log(*step):
    LOG.append((time.time_ns(), ITERATION[0]) + step)


def wrap(owner, name, around):
    setattr(owner, name, around(getattr(owner, name)))


def fd_of(stream):
    try:
        return stream.socket.fileno()
    except Exception:  # closed
        return -1


def run_once(orig):
    def f(self):
        ITERATION[0] += 1
        log("iter", len(self._ready))
        return orig(self)
    return f


def select(orig):
    def f(self, timeout=None):
        start = time.time_ns()
        ready = orig(self, timeout)
        log("poll", timeout, [key.fd for key, _ in ready], (time.time_ns() - start) // 1000)
        return ready
    return f


def inline_read(orig):
    def f(self):
        try:
            return orig(self)
        finally:
            waiting = self._read_future is not None and not self._read_future.done()
            log("inline", fd_of(self), "miss" if waiting else "hit")
    return f


def event_read(orig):
    def f(self):
        log("evread", fd_of(self))
        return orig(self)
    return f


def accept(orig):
    def f(self, conn, address):
        log("accept", conn.fileno())
        return orig(self, conn, address)
    return f


def execute(orig):
    async def f(self, *args, **kwargs):
        fd = fd_of(self.request.connection.stream)
        log("hstart", fd, type(self).__name__)
        result = await orig(self, *args, **kwargs)
        log("hend", fd, type(self).__name__)
        return result
    return f


wrap(asyncio.base_events.BaseEventLoop, "_run_once", run_once)
wrap(selectors.EpollSelector, "select", select)
wrap(iostream.BaseIOStream, "_try_inline_read", inline_read)
wrap(iostream.BaseIOStream, "_handle_read", event_read)
wrap(tcpserver.TCPServer, "_handle_connection", accept)
wrap(web.RequestHandler, "_execute", execute)


@atexit.register
def dump():
    with open(os.environ.get("TRACE_OUT", "tornado-trace.txt"), "w") as f:
        for step in LOG:
            f.write(" ".join(map(str, step)) + "\n")


server = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "tornado", "server.py")
sys.argv = [server] + sys.argv[1:]
runpy.run_path(server, run_name="__main__")
