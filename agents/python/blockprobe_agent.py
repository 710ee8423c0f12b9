#!/usr/bin/env python3
"""blockprobe loop agent for CPython's asyncio and Tornado 6.

Names the handler and the line of code that held the event loop, when and for
how long, and serves it as JSON on GET /debug/loop from a thread of its own,
so the answer comes even while the loop is blocked.

Run a server under it without touching the server's code:

    python3 blockprobe_agent.py --port 9999 -- server.py --port 8888

or start it from the thread that runs (or will run) the loop:

    import blockprobe_agent
    blockprobe_agent.start(port=9999)

How it works: a heartbeat callback on the loop runs every 10 ms and notes
when the next one is due. A watcher thread wakes when a heartbeat would be
late by more than the threshold; if it is, the loop is stalled, and the
watcher samples the loop thread's stack (sys._current_frames) every 10 ms
until the heartbeat runs again. The stall's duration is the heartbeat's lag;
its frames and handler are the stack seen most often while it lasted.

Only code locations and names leave the process: file, line, function, the
source line's text, a handler's class and method, a request's method and
path (never its query, headers or body), never a value. Stdlib only,
CPython 3.9 or later. The format is described in agents/README.md.
"""

import argparse
import asyncio
import bisect
import collections
import json
import linecache
import math
import os
import platform
import runpy
import socket
import socketserver
import sys
import sysconfig
import threading
import time
import warnings
from http.server import BaseHTTPRequestHandler

FORMAT = "blockprobe-loop/1"
SOURCE = "agent-python"
DEBUG_PATH = "/debug/loop"

DEFAULT_HOST = "127.0.0.1"
DEFAULT_THRESHOLD_MS = 20.0
DEFAULT_RING = 256

# The heartbeat's period bounds how well a stall is timed: it began at most
# one period before the heartbeat that it made late was due.
HEARTBEAT_S = 0.010
# How often the watcher samples the loop's stack while a stall lasts. Each
# sample takes the GIL for tens of microseconds; a stall in pure Python code
# loses about that much per sample.
SAMPLE_S = 0.010
# How often the watcher looks for a loop to attach to while none runs.
FIND_LOOP_S = 0.020

MAX_FRAMES = 5  # frames kept per stall, innermost first
MAX_SAMPLE_KINDS = 16  # distinct stacks counted per stall; rarer ones are dropped
MAX_TEXT = 200  # characters kept of a path, a source line or a name

CO_COROUTINE = 0x80  # inspect.CO_COROUTINE, without importing inspect
# The event loop's own frames that call a callback: where a stack is cut.
LOOP_FRAMES = frozenset({"_run_once", "run_forever"})


def lag_bounds_ms():
    """The histogram's fixed upper bounds: ten per decade, 0.1 ms to 100 s.

    The Node agent computes the same list, so histograms from both compare.
    """
    return [float("%.3g" % (0.1 * 10 ** (i / 10))) for i in range(61)]


class LagHistogram:
    """Heartbeat lags since start in fixed buckets: a constant size forever.

    counts[i] holds the lags in (bounds[i-1], bounds[i]]; the last count is
    the overflow past the last bound. Only the loop thread records.
    """

    def __init__(self):
        self.bounds = lag_bounds_ms()
        self.counts = [0] * (len(self.bounds) + 1)
        self.total = 0
        self.max = 0.0

    def record(self, ms):
        self.counts[bisect.bisect_left(self.bounds, ms)] += 1
        self.total += 1
        if ms > self.max:
            self.max = ms

    def percentile(self, q):
        """The q-quantile, interpolated within its bucket, at most the max."""
        counts, total = list(self.counts), sum(self.counts)
        if total == 0:
            return 0.0
        rank = max(1, math.ceil(q * total))
        seen = 0
        for i, n in enumerate(counts):
            if seen + n >= rank:
                if i == len(self.bounds):
                    return self.max
                low = self.bounds[i - 1] if i > 0 else 0.0
                value = low + (self.bounds[i] - low) * (rank - seen) / n
                return min(value, self.max)
            seen += n
        return self.max


class Stall:
    """One time the heartbeat ran later than the threshold.

    due is the monotonic time the late heartbeat was due; the stall's
    duration is how late it ran (so far, while ongoing). samples counts the
    stacks the watcher saw meanwhile; the most frequent one names the stall.
    """

    __slots__ = ("due", "start_ms", "duration_ms", "ongoing", "samples", "nsamples",
                 "handler", "request", "frames")

    def __init__(self, due, start_ms):
        self.due = due
        self.start_ms = start_ms
        self.duration_ms = 0.0
        self.ongoing = True
        self.samples = {}
        self.nsamples = 0
        self.handler, self.request, self.frames = "", "", ()

    def add_sample(self, key):
        self.nsamples += 1
        if key in self.samples or len(self.samples) < MAX_SAMPLE_KINDS:
            self.samples[key] = self.samples.get(key, 0) + 1
        self.handler, self.request, self.frames = max(self.samples.items(), key=lambda kv: kv[1])[0]

    def finish(self, duration_ms):
        self.duration_ms = duration_ms
        self.ongoing = False
        self.samples = {}  # the name is chosen; keep the ring small


class CodeMap:
    """Tells the server's own code from the stdlib, installed packages,
    asyncio, Tornado and the agent, and shortens paths for the output."""

    def __init__(self, cwd):
        self.cwd = cwd
        skip = {sysconfig.get_paths().get(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")}
        skip.add(os.path.dirname(asyncio.__file__))
        try:
            import site

            skip.update(site.getsitepackages())
            skip.add(site.getusersitepackages())
        except (AttributeError, ImportError):  # virtualenv's old site.py
            pass
        self.skip_dirs = tuple(os.path.join(os.path.normcase(p), "") for p in skip if p)
        self.agent_file = os.path.normcase(os.path.abspath(__file__))
        self.known = {}

    def absolute(self, filename):
        return os.path.normcase(os.path.join(self.cwd, filename))

    def is_server_code(self, filename):
        hit = self.known.get(filename)
        if hit is None:
            if len(self.known) > 4096:  # code generated at run time, endlessly
                self.known.clear()
            hit = self.known[filename] = self._classify(filename)
        return hit

    def _classify(self, filename):
        if filename.startswith("<"):  # <frozen ...>, <string>, <stdin>
            return False
        path = self.absolute(filename)
        if path == self.agent_file:
            return False
        if "site-packages" in path or "dist-packages" in path:
            return False
        tornado = sys.modules.get("tornado")
        if tornado is not None and getattr(tornado, "__file__", None):
            if path.startswith(os.path.join(os.path.normcase(os.path.dirname(tornado.__file__)), "")):
                return False
        return not path.startswith(self.skip_dirs)

    def display(self, filename):
        """filename relative to the cwd the agent started in, where it lies below it."""
        path = os.path.normpath(os.path.join(self.cwd, filename))
        if path.startswith(os.path.join(self.cwd, "")):
            path = os.path.relpath(path, self.cwd)
        return clip(path)

    def source_line(self, filename, line):
        try:
            return clip(linecache.getline(os.path.join(self.cwd, filename), line).strip())
        except Exception:  # linecache is not thread-safe; a line is not worth an error
            return ""


def clip(text):
    """text without control characters, at most MAX_TEXT characters long."""
    text = "".join(c if c.isprintable() else "?" for c in str(text)[:MAX_TEXT])
    return text


def handler_of(obj, function):
    """'Class.method' and 'METHOD /path' when obj is a Tornado RequestHandler.

    Reads instance dictionaries only, so no property or __getattr__ of the
    server's code runs on the watcher thread.
    """
    web = sys.modules.get("tornado.web")
    base = getattr(web, "RequestHandler", None)
    if base is None or base not in type(obj).__mro__:
        return None
    name = type(obj).__name__ + "." + function
    request = instance_dict(obj).get("request")
    fields = instance_dict(request)
    method, path = fields.get("method"), fields.get("path")  # path holds no query
    described = f"{method} {path}" if isinstance(method, str) and isinstance(path, str) else ""
    return clip(name), clip(described)


def instance_dict(obj):
    try:
        return object.__getattribute__(obj, "__dict__")
    except (AttributeError, TypeError):
        return {}


def self_of(frame):
    code = frame.f_code
    if code.co_argcount == 0 or code.co_varnames[0] != "self":
        return None
    try:
        return frame.f_locals.get("self")
    except Exception:
        return None


def coroutine_name(frame):
    code = frame.f_code
    qualname = getattr(code, "co_qualname", None)  # Python 3.11+
    if qualname:
        return qualname
    owner = self_of(frame)
    return f"{type(owner).__name__}.{code.co_name}" if owner is not None else code.co_name


def describe_stack(frame, codemap, loop):
    """(handler, request, frames) for the stack whose innermost frame is frame.

    Only the frames inside the loop's current callback count: the stack is cut
    at the loop's _run_once, since the frames that started the loop (main,
    asyncio.run) are on every stack and say nothing about the stall. frames
    are (file, line, function) of the innermost of those in the server's own
    code or, when there are none, of any code but the agent's: the loop waiting
    in select means it ran no callback at all (the process was not scheduled,
    or another thread held the GIL).
    """
    server, other = [], []
    tornado = tornado_fallback = None
    coroutine = None
    depth = 0
    while frame is not None and depth < 256:
        depth += 1
        code = frame.f_code
        ours = codemap.is_server_code(code.co_filename)
        where = (code.co_filename, frame.f_lineno or 0, code.co_name)
        if ours and len(server) < MAX_FRAMES:
            server.append(where)
        elif not ours and len(other) < MAX_FRAMES and codemap.absolute(code.co_filename) != codemap.agent_file:
            other.append(where)
        if not ours and code.co_name in LOOP_FRAMES:
            break
        if tornado is None and "tornado.web" in sys.modules:
            owner = self_of(frame)
            found = handler_of(owner, code.co_name) if owner is not None else None
            if found is not None and ours:
                tornado = found
            elif found is not None and tornado_fallback is None:
                tornado_fallback = found
        if coroutine is None and ours and code.co_flags & CO_COROUTINE:
            coroutine = coroutine_name(frame)
        frame = frame.f_back
    handler, request = tornado or tornado_fallback or ("", "")
    if not handler and (server or coroutine):
        handler = clip(coroutine or task_name(loop))
    return handler, request, tuple(server or other)


def task_name(loop):
    try:
        task = asyncio.current_task(loop)
        return task.get_coro().__qualname__ if task is not None else ""
    except Exception:
        return ""


def find_loop(frame):
    """The event loop whose run_forever is on the stack, if one is."""
    while frame is not None:
        if frame.f_code.co_name == "run_forever":
            owner = self_of(frame)
            if isinstance(owner, asyncio.AbstractEventLoop):
                return owner
        frame = frame.f_back
    return None


class Agent:
    """Watches the event loop run by one thread and serves what it saw."""

    def __init__(self, host=DEFAULT_HOST, port=0, threshold_ms=DEFAULT_THRESHOLD_MS,
                 ring=DEFAULT_RING, thread=None):
        if threshold_ms <= 0:
            raise ValueError(f"threshold_ms must be > 0, got {threshold_ms}")
        if ring < 1:
            raise ValueError(f"ring must be >= 1, got {ring}")
        self.host, self.port = host, port
        self.threshold_s = threshold_ms / 1000
        # thread is a Thread, a thread's name (looked up once it exists) or
        # None for the calling thread.
        self.thread = thread if thread is not None else threading.current_thread()
        self.codemap = CodeMap(os.getcwd())
        self.started_ms = time.time() * 1000
        self.started = time.monotonic()

        self.lock = threading.Lock()
        self.loop = None
        self.chain = None  # the heartbeat chain running now
        self.due = None  # monotonic time the pending heartbeat is due
        self.gap = False  # the loop stopped running since the last heartbeat
        self.lag = LagHistogram()
        self.ring = collections.deque(maxlen=ring)
        self.open = None  # the stall going on, also the ring's last entry
        self.stalls_total = 0
        self.busy_ms = 0.0
        self.slowest = (0.0, "")
        self.stopped = threading.Event()
        self.http = None

    # The loop's side: one heartbeat every HEARTBEAT_S.

    def attach(self, loop):
        """Start the heartbeat on loop; call on the loop's thread."""
        if threading.get_ident() != self.loop_thread_id():
            return  # a loop run by another thread than the one watched
        chain = object()  # a second attach to the same loop ends the first chain
        with self.lock:
            self.loop, self.chain, self.gap = loop, chain, False
            self.due = time.monotonic() + HEARTBEAT_S
        loop.call_later(HEARTBEAT_S, self.beat, loop, chain)

    # Times come from time.monotonic, not loop.time: uvloop's loop.time is
    # only updated by the loop itself, so a blocked loop's clock stands still.

    def beat(self, loop, chain):
        if self.chain is not chain or self.stopped.is_set():
            return
        now = time.monotonic()
        with self.lock:
            lag = max(0.0, now - self.due) if self.due is not None else 0.0
            if self.gap:  # the loop was not running: its lateness is no stall
                self.gap = False
                self.drop_open()
            else:
                self.lag.record(lag * 1000)
                if lag > self.threshold_s:
                    self.end_stall(lag * 1000, now)
            self.due = now + HEARTBEAT_S
        loop.call_later(HEARTBEAT_S, self.beat, loop, chain)

    def end_stall(self, lag_ms, now):
        stall = self.open
        if stall is None or stall.due != self.due:
            # Over before the watcher looked: timed, but with no stack.
            stall = self.new_stall(self.due, now)
        self.open = None
        stall.finish(lag_ms)
        self.busy_ms += lag_ms
        if lag_ms > self.slowest[0]:
            self.slowest = (lag_ms, stall.handler)

    def new_stall(self, due, now):
        stall = Stall(due, (time.time() - (now - due)) * 1000)
        self.ring.append(stall)
        self.stalls_total += 1
        return stall

    def drop_open(self):
        if self.open is not None:
            try:
                self.ring.remove(self.open)
                self.stalls_total -= 1
            except ValueError:  # already pushed out of the ring
                pass
            self.open = None

    # The watcher's side: its own thread.

    def watch(self):
        while not self.stopped.is_set():
            try:
                pause = self.watch_once()
            except Exception as e:  # never let the agent's bug end the watching
                print(f"blockprobe_agent: watcher: {e!r}", file=sys.stderr, flush=True)
                pause = 1.0
            self.stopped.wait(pause)

    def loop_thread_id(self):
        thread = self.thread
        if isinstance(thread, str):
            thread = next((t for t in threading.enumerate() if t.name == thread), None)
        return thread.ident if thread is not None else None

    def watch_once(self):
        """Look at the loop once; return how long to wait before the next look."""
        loop = self.loop
        if loop is None or loop.is_closed() or not loop.is_running():
            if loop is not None:
                with self.lock:
                    self.gap = True
                    self.drop_open()
            self.find_loop(loop)
            return FIND_LOOP_S
        with self.lock:
            due = self.due
        now = time.monotonic()
        if due is None or now - due <= self.threshold_s:
            wait = (due + self.threshold_s - now) if due is not None else HEARTBEAT_S
            return min(max(wait, 0.001), HEARTBEAT_S + self.threshold_s)
        self.sample(loop, due, now)
        return SAMPLE_S

    def find_loop(self, current):
        """Attach to the loop running on the watched thread, if it is a new one."""
        tid = self.loop_thread_id()
        frame = sys._current_frames().get(tid) if tid is not None else None
        found = find_loop(frame)
        del frame
        if found is None or found is current or found.is_closed():
            return
        with self.lock:
            self.loop, self.chain, self.due = found, None, None  # claimed now, so it is not attached twice
        try:
            found.call_soon_threadsafe(self.attach, found)
        except RuntimeError:  # closed meanwhile
            self.loop = None

    def sample(self, loop, due, now):
        tid = self.loop_thread_id()
        frame = sys._current_frames().get(tid)
        key = describe_stack(frame, self.codemap, loop) if frame is not None else None
        del frame
        with self.lock:
            if self.due != due or self.gap:
                return  # the heartbeat ran meanwhile: the stall is over
            if self.open is None:
                self.open = self.new_stall(due, now)
            if key is not None:
                self.open.add_sample(key)
            self.open.duration_ms = (time.monotonic() - due) * 1000

    # The endpoint's side.

    def snapshot(self):
        """The document GET /debug/loop serves (format blockprobe-loop/1)."""
        now_ms = time.time() * 1000
        window_ms = (time.monotonic() - self.started) * 1000
        with self.lock:
            ongoing_ms = 0.0
            if self.open is not None:
                ongoing_ms = (time.monotonic() - self.open.due) * 1000
                self.open.duration_ms = ongoing_ms
            stalls = [(s.start_ms, s.duration_ms, s.ongoing, s.handler, s.request, s.frames, s.nsamples)
                      for s in self.ring]
            counts = list(self.lag.counts)
            p50, p99, lag_max = self.lag.percentile(0.50), self.lag.percentile(0.99), self.lag.max
            slowest_ms, slowest_handler = self.slowest
            still_running = False
            if self.open is not None and ongoing_ms >= slowest_ms:
                slowest_ms, slowest_handler, still_running = ongoing_ms, self.open.handler, True
            if lag_max > slowest_ms:
                slowest_ms, slowest_handler, still_running = lag_max, "", False
            total, busy_ms = self.stalls_total, self.busy_ms + ongoing_ms
        return {
            "format": FORMAT,
            "source": SOURCE,
            "runtime": runtime(),
            "pid": os.getpid(),
            "now_ms": round(now_ms, 3),
            "started_ms": round(self.started_ms, 3),
            "window_ms": round(window_ms, 3),
            "threshold_ms": self.threshold_s * 1000,
            "slowest_callback_ms": round(slowest_ms, 3),
            "slowest_handler": slowest_handler,
            "slowest_still_running": still_running,
            "lag_p50_ms": round(p50, 3),
            "lag_p99_ms": round(p99, 3),
            "lag_max_ms": round(lag_max, 3),
            "lag_histogram": {"bounds_ms": self.lag.bounds, "counts": counts},
            "busy_fraction": round(min(1.0, busy_ms / window_ms), 6) if window_ms > 0 else 0.0,
            "callbacks": 0,
            "longest_queue": 0,
            "stalls_total": total,
            "stalls": [self.stall_json(*s) for s in stalls],
        }

    def stall_json(self, start_ms, duration_ms, ongoing, handler, request, frames, nsamples):
        return {
            "start_ms": round(start_ms, 3),
            "duration_ms": round(duration_ms, 3),
            "ongoing": ongoing,
            "handler": handler,
            "request": request,
            "frames": [
                {"file": self.codemap.display(f), "line": line, "function": clip(function),
                 "code": self.codemap.source_line(f, line)}
                for f, line, function in frames
            ],
            "samples": nsamples,
        }

    # Lifecycle.

    def start(self):
        """Serve the endpoint and start watching; a bind failure only warns."""
        try:
            self.http = EndpointServer((self.host, self.port), self)
        except (OSError, OverflowError) as e:
            print(f"blockprobe_agent: cannot serve {DEBUG_PATH} on {self.host}:{self.port}: {e}; "
                  "the server runs without the agent", file=sys.stderr, flush=True)
            return self
        self.port = self.http.server_address[1]
        threading.Thread(target=self.http.serve_forever, name="blockprobe-agent-http",
                         daemon=True).start()
        threading.Thread(target=self.watch, name="blockprobe-agent-watcher", daemon=True).start()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is not None:
            self.attach(loop)
        self.hook_new_loops()
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self.forked)
        print(f"blockprobe_agent: {DEBUG_PATH} on http://{url_host(self.host)}:{self.port}{DEBUG_PATH}",
              file=sys.stderr, flush=True)
        return self

    def hook_new_loops(self):
        """Attach to each loop the policy creates from now on, as it starts.

        A heartbeat must run from the loop's first callback on: a request that
        blocks the loop right after it starts would hide from a watcher that
        only finds the loop later. The watcher still finds loops made by other
        means (another policy set later, a loop_factory), a little later.
        """
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # policies, from Python 3.14
            policy = asyncio.get_event_loop_policy()
        make = policy.new_event_loop

        def new_event_loop():
            loop = make()
            loop.call_soon(self.attach, loop)
            return loop

        policy.new_event_loop = new_event_loop

    def forked(self):
        """In a forked child the agent's threads are gone: stop its heartbeat
        and let go of the parent's listening socket."""
        self.stopped.set()
        if self.http is not None:
            self.http.socket.close()

    def stop(self):
        self.stopped.set()
        if self.http is not None:
            self.http.shutdown()
            self.http.server_close()


def url_host(host):
    return f"[{host}]" if ":" in host else host


def runtime():
    text = f"{platform.python_implementation()} {platform.python_version()}"
    tornado = sys.modules.get("tornado")
    if tornado is not None and hasattr(tornado, "version"):
        text += f", tornado {tornado.version}"
    return text


class Endpoint(BaseHTTPRequestHandler):
    """GET /debug/loop; every other path is 404. One answer per connection."""

    server_version = "blockprobe-agent"
    timeout = 5  # a client that sends nothing does not hold the endpoint

    def do_GET(self):
        self.answer(body=True)

    def do_HEAD(self):
        self.answer(body=False)

    def do_POST(self):
        self.answer(body=True, allowed=False)

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_POST

    def answer(self, body, allowed=True):
        path = self.path.split("?", 1)[0]
        if path != DEBUG_PATH:
            status, payload, kind = 404, b"404: Not Found\n", "text/plain; charset=utf-8"
        elif not allowed:
            status, payload, kind = 405, b"405: Method Not Allowed\n", "text/plain; charset=utf-8"
        else:
            doc = self.server.agent.snapshot()
            status, payload, kind = 200, json.dumps(doc).encode() + b"\n", "application/json"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "no-store")
        if status == 405:
            self.send_header("Allow", "GET, HEAD")
        self.end_headers()
        if body:
            self.wfile.write(payload)

    def log_message(self, format, *args):
        pass  # the server's stderr is the server's


class EndpointServer(socketserver.TCPServer):
    # socketserver, not http.server.HTTPServer: the latter looks up the host's
    # name on bind, which can hang where DNS does not answer.
    allow_reuse_address = True

    def __init__(self, address, agent):
        self.agent = agent
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, Endpoint)


_agent = None
_agent_lock = threading.Lock()


def start(port, host=DEFAULT_HOST, threshold_ms=DEFAULT_THRESHOLD_MS, ring=DEFAULT_RING, thread=None):
    """Start the process's agent, watching the loop of thread (default: the
    calling thread), whether that loop runs already or starts later.

    One agent per process: a second call returns the first agent.
    """
    global _agent
    with _agent_lock:
        if _agent is None:
            _agent = Agent(host, port, threshold_ms, ring, thread).start()
        return _agent


def parse_args(argv):
    if "--" in argv:
        split = argv.index("--")
        own, program = argv[:split], argv[split + 1:]
    else:
        own, program = argv, []
    p = argparse.ArgumentParser(
        prog="blockprobe_agent.py",
        usage="%(prog)s --port P [--host H] [--threshold-ms MS] [--ring N] [--thread NAME] "
              "-- (script.py | -m module) [args...]",
        description="Run a Python program with blockprobe's loop agent on GET /debug/loop.")
    p.add_argument("--port", type=int, required=True, help="the agent's port; 0 picks a free one")
    p.add_argument("--host", default=DEFAULT_HOST, help=f"the agent's address (default {DEFAULT_HOST})")
    p.add_argument("--threshold-ms", type=float, default=DEFAULT_THRESHOLD_MS,
                   help="a heartbeat later than this is a stall (default 20)")
    p.add_argument("--ring", type=int, default=DEFAULT_RING, help="stalls kept (default 256)")
    p.add_argument("--thread", default=None,
                   help="name of the thread that runs the loop (default: the main thread)")
    args = p.parse_args(own)
    if not program or (program[0] == "-m" and len(program) < 2):
        p.error("name the program to run after --: script.py [args] or -m module [args]")
    if not 0 <= args.port <= 65535:
        p.error(f"--port must be 0..65535, got {args.port}")
    if args.threshold_ms <= 0:
        p.error(f"--threshold-ms must be > 0, got {args.threshold_ms:g}")
    if args.ring < 1:
        p.error(f"--ring must be >= 1, got {args.ring}")
    return args, program


def main(argv=None):
    args, program = parse_args(sys.argv[1:] if argv is None else argv)
    # A program that imports blockprobe_agent itself gets this agent.
    sys.modules.setdefault("blockprobe_agent", sys.modules[__name__])
    start(args.port, args.host, args.threshold_ms, args.ring,
          args.thread if args.thread is not None else threading.main_thread())
    if program[0] == "-m":
        sys.argv = [program[1]] + program[2:]
        sys.path[0] = os.getcwd()
        runpy.run_module(program[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = list(program)
        sys.path[0] = os.path.dirname(os.path.abspath(program[0]))
        runpy.run_path(program[0], run_name="__main__")


if __name__ == "__main__":
    main()
