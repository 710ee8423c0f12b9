#!/usr/bin/env python3
"""A plain-asyncio HTTP server whose ComplexHandler either blocks the loop or not.

The same two handlers and flags as ../tornado/server.py, on the standard
library alone (asyncio.start_server, no framework). MainHandler (GET /)
answers at once. ComplexHandler (GET /complex) works for --delay seconds in
one of three ways, chosen with --mode:

  blocking  time.sleep() in the handler's coroutine, on the loop's only
            thread: every other request, MainHandler's included, waits.
  async     await asyncio.sleep(): the coroutine suspends and the loop serves
            other requests meanwhile.
  pooled    time.sleep() in a ThreadPoolExecutor(--pool) worker through
            loop.run_in_executor: the loop stays free; requests beyond --pool
            wait in the executor's queue for a free thread.

HTTP/1.1 as far as these handlers need: keep-alive (HTTP/1.1 unless
"Connection: close", HTTP/1.0 only with "Connection: keep-alive"), pipelined
requests answered in order, Content-Length on every answer, request bodies
with Content-Length read and ignored, chunked request bodies refused (501).

To see which handler and line hold the loop, run it under blockprobe's loop
agent (see ../../agents/README.md):

  python3 agents/python/blockprobe_agent.py --port 9999 -- \\
      examples/asyncio/server.py --mode blocking --delay 1
  curl http://127.0.0.1:9999/debug/loop
"""

import asyncio
import concurrent.futures
import os
import sys
import time

# The flags, the printed address and the signals are the examples' shared
# frame (../example_server.py); this file holds the handlers.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from example_server import BACKLOG, HOST, parse, parser, run, until_stopped  # noqa: E402

MAX_HEAD = 64 * 1024  # request line and headers
MAX_BODY = 1024 * 1024  # a larger request body is refused and the connection closed
IDLE_TIMEOUT = 60  # seconds a keep-alive connection may wait for its next request

REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
           413: "Content Too Large", 501: "Not Implemented", 505: "HTTP Version Not Supported"}


class Request:
    """One parsed request head. Headers are kept by lower-case name."""

    def __init__(self, method, target, version, headers):
        self.method, self.target, self.version, self.headers = method, target, version, headers
        self.path = target.split("?", 1)[0]

    def keep_alive(self):
        tokens = {t.strip().lower() for t in self.headers.get("connection", "").split(",")}
        if self.version == "HTTP/1.1":
            return "close" not in tokens
        return "keep-alive" in tokens


class HTTPError(Exception):
    """A request this server answers with status and then closes on."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status


class MainHandler:
    async def get(self, request):
        return "[MainHandler] Hello, world"


class ComplexHandler:
    """What the three forms share: the delay and the answer."""

    def __init__(self, delay, mode):
        self.delay = delay
        self.mode = mode

    def answer(self):
        return f"[ComplexHandler] done: {self.delay:g}s of work in {self.mode} mode\n"


class BlockingComplexHandler(ComplexHandler):
    async def get(self, request):
        # The bug: this thread is the event loop, and it sleeps.
        time.sleep(self.delay)
        return self.answer()


class AsyncComplexHandler(ComplexHandler):
    async def get(self, request):
        # The loop runs other callbacks until the timer fires.
        await asyncio.sleep(self.delay)
        return self.answer()


class PooledComplexHandler(ComplexHandler):
    def __init__(self, delay, mode, executor):
        super().__init__(delay, mode)
        self.executor = executor

    async def get(self, request):
        await asyncio.get_running_loop().run_in_executor(self.executor, self.work)
        return self.answer()

    def work(self):
        # Blocking, but on a pool thread: the loop's thread is not held.
        time.sleep(self.delay)


def make_routes(mode, delay, executor):
    if mode == "blocking":
        complex_handler = BlockingComplexHandler(delay, mode)
    elif mode == "async":
        complex_handler = AsyncComplexHandler(delay, mode)
    else:
        complex_handler = PooledComplexHandler(delay, mode, executor)
    return {"/": MainHandler(), "/complex": complex_handler}


async def read_request(reader):
    """The next request on the connection, None when the client closed it."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as e:
        if e.partial.strip():
            raise HTTPError(400) from None
        return None
    except asyncio.LimitOverrunError:
        raise HTTPError(400) from None
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise HTTPError(505 if len(parts) == 3 and parts[2].startswith("HTTP/") else 400)
    headers = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            raise HTTPError(400)
        headers[name.lower()] = value.strip()
    request = Request(parts[0], parts[1], parts[2], headers)
    if "transfer-encoding" in headers:
        raise HTTPError(501)
    length = headers.get("content-length", "0")
    if not length.isdigit():
        raise HTTPError(400)
    if int(length) > MAX_BODY:
        raise HTTPError(413)
    if int(length) > 0:
        await reader.readexactly(int(length))  # the handlers take no body
    return request


def response(status, body, keep_alive, head_only=False, extra=()):
    payload = body.encode()
    lines = [f"HTTP/1.1 {status} {REASONS[status]}",
             "Content-Type: text/plain; charset=utf-8",
             f"Content-Length: {len(payload)}",
             "Connection: " + ("keep-alive" if keep_alive else "close"),
             *extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (b"" if head_only else payload)


async def dispatch(routes, request):
    """(status, body, extra headers) for one request."""
    handler = routes.get(request.path)
    if handler is None:
        return 404, "404: Not Found\n", ()
    if request.method not in ("GET", "HEAD"):
        return 405, "405: Method Not Allowed\n", ("Allow: GET, HEAD",)
    return 200, await handler.get(request), ()


async def serve_connection(routes, reader, writer):
    """Answer the requests of one connection in order until either side closes it."""
    loop = asyncio.get_running_loop()
    try:
        while True:
            # A timer, not asyncio.wait_for, which would start a task per request.
            idle = loop.call_later(IDLE_TIMEOUT, writer.close)
            try:
                request = await read_request(reader)
            except HTTPError as e:
                writer.write(response(e.status, f"{e.status}: {REASONS[e.status]}\n", False))
                await writer.drain()
                return
            finally:
                idle.cancel()
            if request is None:
                return
            status, body, extra = await dispatch(routes, request)
            keep_alive = request.keep_alive()
            writer.write(response(status, body, keep_alive, request.method == "HEAD", extra))
            await writer.drain()
            if not keep_alive:
                return
    except (ConnectionError, asyncio.IncompleteReadError):
        pass  # a vanished client
    finally:
        writer.close()


async def serve(args):
    executor = None
    if args.mode == "pooled":
        executor = concurrent.futures.ThreadPoolExecutor(args.pool)
    routes = make_routes(args.mode, args.delay, executor)
    connections = set()

    async def on_connection(reader, writer):
        task = asyncio.current_task()
        connections.add(task)
        try:
            await serve_connection(routes, reader, writer)
        finally:
            connections.discard(task)

    server = await asyncio.start_server(on_connection, HOST, args.port, backlog=BACKLOG,
                                        limit=MAX_HEAD)
    port = server.sockets[0].getsockname()[1]

    await until_stopped(port)

    # Answers still pending are dropped, as the Tornado example drops them.
    server.close()
    for task in list(connections):
        task.cancel()
    await asyncio.gather(*connections, return_exceptions=True)
    if executor is not None:
        # Queued work is dropped; a worker in time.sleep finishes its sleep
        # before the interpreter exits.
        executor.shutdown(wait=False, cancel_futures=True)


def main(argv=None):
    return run(serve, parse(parser(__doc__, "executor threads"), argv))


if __name__ == "__main__":
    sys.exit(main())
