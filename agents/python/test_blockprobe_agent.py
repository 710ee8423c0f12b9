"""End-to-end tests of blockprobe_agent.py: real servers under the agent.

Run from the repository root with the interpreter that has Tornado:

    /usr/bin/python3 -m unittest discover -s agents/python

Each test starts an example server (examples/tornado, examples/asyncio) as a
child process under the agent, blocks its loop with GET /complex and reads
/debug/loop meanwhile and afterwards. Timing bounds are generous: the
machines these run on are small and shared.
"""

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
AGENT = os.path.join(HERE, "blockprobe_agent.py")
EXAMPLES = os.path.join(ROOT, "examples")

# Seconds ComplexHandler blocks: long enough that a poll lands inside the
# stall even when a loaded machine deschedules the test for a few hundred ms.
DELAY = 1.0
SECRET = "s3cr3t-7f1c9a"  # sent in a header, a query and a body; must never be served


def has_tornado():
    try:
        import tornado  # noqa: F401
    except ImportError:
        return False
    return True


def line_of(path, text, after):
    """The 1-based number of the first line holding text below the line holding after."""
    with open(path) as f:
        lines = f.read().split("\n")
    start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i, line in enumerate(lines) if i > start and text in line) + 1


class Server:
    """An example server run under the agent, with its two addresses."""

    def __init__(self, test, script, *server_args, agent_args=(), agent_port="0"):
        cmd = [sys.executable, AGENT, "--port", agent_port, *agent_args, "--",
               script, "--port", "0", *server_args]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        test.addCleanup(self.close)
        self.stdout, self.stderr = queue.Queue(), queue.Queue()
        self.err_lines = []
        self.drains = [threading.Thread(target=self.drain, args=(stream, lines), daemon=True)
                       for stream, lines in ((self.proc.stdout, self.stdout), (self.proc.stderr, self.stderr))]
        for t in self.drains:
            t.start()
        self.url = self.wait_line(self.stdout, "listening on ").split()[-1]
        self.agent = None
        if agent_port == "0":
            self.agent = self.wait_line(self.stderr, "blockprobe_agent: /debug/loop on ").split()[-1]

    @staticmethod
    def drain(stream, lines):
        for line in stream:
            lines.put(line.rstrip("\n"))

    def wait_line(self, lines, prefix, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.1)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            if lines is self.stderr:
                self.err_lines.append(line)
            if line.startswith(prefix):
                return line
        raise AssertionError(f"no line {prefix!r} from the server; stderr: {self.err_lines}")

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=DELAY + 5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for t in self.drains:
            t.join(5)  # they end at the pipes' EOF; closing first would race them
        self.proc.stdout.close()
        self.proc.stderr.close()

    def loop(self):
        with urllib.request.urlopen(self.agent, timeout=2) as r:
            return json.load(r)

    def loop_text(self):
        with urllib.request.urlopen(self.agent, timeout=2) as r:
            return r.read().decode()

    def get(self, path, timeout=10, **headers):
        req = urllib.request.Request(self.url + path, headers=headers)
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode()

    def get_in_background(self, path, **headers):
        """GET path on a thread; join the returned thread for its answer."""
        result = {}

        def run():
            result["answer"] = self.get(path, **headers)

        t = threading.Thread(target=run, daemon=True)
        t.start()
        t.result = result
        return t

    def wait_for(self, predicate, timeout=5, what="condition"):
        deadline = time.monotonic() + timeout
        doc = None
        while time.monotonic() < deadline:
            doc = self.loop()
            if predicate(doc):
                return doc
            time.sleep(0.02)
        raise AssertionError(f"{what} not seen within {timeout}s; last /debug/loop: {json.dumps(doc)}")


class BlockingCases:
    """Checks shared by every Python example server; a subclass sets
    script, handler (expected in the stall's handler name) and request."""

    script = handler = request = None

    def start_server(self, mode, *extra, agent_args=()):
        return Server(self, self.script, "--mode", mode, "--delay", str(DELAY), *extra,
                      agent_args=agent_args)

    def test_blocking_handler_named_while_and_after_the_stall(self):
        srv = self.start_server("blocking")
        first = srv.loop()
        self.assertEqual(first["format"], "blockprobe-loop/1")
        self.assertEqual(first["source"], "agent-python")
        self.assertFalse(first["slowest_still_running"])

        request = srv.get_in_background("/complex")
        during = srv.wait_for(lambda d: d["slowest_still_running"] and self.handler in d["slowest_handler"],
                              what="the handler's stall still running")
        ongoing = [s for s in during["stalls"] if s["ongoing"]]
        self.assertEqual(len(ongoing), 1, during["stalls"])
        self.assertIn(self.handler, ongoing[0]["handler"])
        self.assertEqual(ongoing[0]["duration_ms"], during["slowest_callback_ms"])
        request.join(DELAY + 10)
        self.assertEqual(request.result["answer"][0], 200)

        after = srv.wait_for(lambda d: not any(s["ongoing"] for s in d["stalls"]), what="the stall's end")
        stall = max(after["stalls"], key=lambda s: s["duration_ms"])
        self.assertGreaterEqual(stall["duration_ms"], 0.8 * DELAY * 1000, stall)
        self.assertLessEqual(stall["duration_ms"], 4 * DELAY * 1000, stall)
        self.assertIn(self.handler, stall["handler"])
        self.assertEqual(stall["request"], self.request)
        self.assertEqual(after["slowest_handler"], stall["handler"])
        self.assertGreaterEqual(after["slowest_callback_ms"], stall["duration_ms"])
        self.assertFalse(after["slowest_still_running"])
        self.assertGreater(after["busy_fraction"], 0)
        self.assertGreaterEqual(after["lag_max_ms"], stall["duration_ms"] * 0.99)

        top = stall["frames"][0]
        script_path = os.path.join(ROOT, self.script)
        self.assertEqual(top["file"], self.script)  # relative to the server's cwd
        self.assertEqual(top["function"], "get")
        self.assertEqual(top["code"], "time.sleep(self.delay)")
        self.assertEqual(top["line"], line_of(script_path, "time.sleep(self.delay)", "class BlockingComplexHandler"))
        self.assertLessEqual(len(stall["frames"]), 5)

    def test_async_handler_does_not_stall(self):
        srv = self.start_server("async")
        self.assertEqual(srv.get("/complex")[0], 200)
        doc = srv.loop()
        # A loaded machine can delay any heartbeat past the threshold, even
        # while a handler runs; what must not appear is the handler holding
        # the loop for anything like its delay.
        for stall in doc["stalls"]:
            if "ComplexHandler" in stall["handler"]:
                self.assertLess(stall["duration_ms"], DELAY * 1000 / 2, stall)

    def test_no_secrets_served(self):
        srv = self.start_server("blocking")
        request = srv.get_in_background(f"/complex?token={SECRET}", **{"X-Secret": SECRET})
        during = srv.loop_text() if srv.wait_for(lambda d: d["slowest_still_running"]) else ""
        request.join(DELAY + 10)
        after = srv.wait_for(lambda d: any(self.handler in s["handler"] for s in d["stalls"]))
        for text in (during, json.dumps(after)):
            self.assertNotIn(SECRET, text)
            self.assertNotIn("X-Secret", text)
        if self.request:
            self.assertIn(self.request, [s["request"] for s in after["stalls"]])

    def test_sigterm_still_exits_zero(self):
        srv = self.start_server("blocking")
        srv.get("/")
        srv.proc.send_signal(signal.SIGTERM)
        self.assertEqual(srv.proc.wait(timeout=10), 0)


@unittest.skipUnless(has_tornado(), f"{sys.executable} cannot import tornado (apt-get install -y python3-tornado)")
class TornadoTest(BlockingCases, unittest.TestCase):
    script = "examples/tornado/server.py"
    handler = "ComplexHandler.get"  # BlockingComplexHandler.get, a RequestHandler's method
    request = "GET /complex"

    def test_runtime_names_tornado(self):
        srv = self.start_server("async")
        self.assertIn("tornado 6", srv.loop()["runtime"])


class AsyncioTest(BlockingCases, unittest.TestCase):
    script = "examples/asyncio/server.py"
    handler = "ComplexHandler.get"  # the running coroutine, BlockingComplexHandler.get
    request = ""  # plain asyncio has no request object to read

    def test_ring_stays_bounded(self):
        ring = 8
        srv = Server(self, self.script, "--mode", "blocking", "--delay", "0.03",
                     agent_args=("--threshold-ms", "1", "--ring", str(ring)))
        for _ in range(3 * ring):
            srv.get("/complex")
        doc = srv.wait_for(lambda d: d["stalls_total"] >= 3 * ring, what=f"{3 * ring} stalls")
        self.assertLessEqual(len(doc["stalls"]), ring)
        self.assertEqual(len(doc["lag_histogram"]["counts"]), len(doc["lag_histogram"]["bounds_ms"]) + 1)

    def test_endpoint_answers_only_its_path(self):
        srv = self.start_server("async")
        base = srv.agent[: -len("/debug/loop")]
        for path, status in (("/", 404), ("/debug", 404), ("/debug/loop/x", 404)):
            with self.assertRaises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(base + path, timeout=2)
            self.assertEqual(e.exception.code, status, path)
        with self.assertRaises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(urllib.request.Request(srv.agent, data=b"x"), timeout=2)
        self.assertEqual(e.exception.code, 405)

    def test_histogram_counts_heartbeats(self):
        srv = self.start_server("async")
        first = srv.loop()
        time.sleep(0.3)
        second = srv.loop()
        bounds = first["lag_histogram"]["bounds_ms"]
        self.assertEqual(bounds, sorted(bounds))
        self.assertEqual(bounds[0], 0.1)
        grew = sum(second["lag_histogram"]["counts"]) - sum(first["lag_histogram"]["counts"])
        self.assertGreater(grew, 5)  # a heartbeat every 10 ms, give or take a loaded machine
        self.assertLessEqual(grew, 40)
        self.assertGreater(second["window_ms"], first["window_ms"])
        self.assertLess(abs(second["now_ms"] - time.time() * 1000), 5000)

    def test_bind_failure_warns_and_the_server_runs(self):
        taken = socket.socket()
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        self.addCleanup(taken.close)
        port = str(taken.getsockname()[1])
        srv = Server(self, self.script, "--mode", "async", agent_port=port)
        self.assertEqual(srv.get("/"), (200, "[MainHandler] Hello, world"))
        line = srv.wait_line(srv.stderr, "blockprobe_agent: cannot serve")
        self.assertIn(port, line)


class InCodeTest(unittest.TestCase):
    """blockprobe_agent.start() from the server's own code, before or inside the loop."""

    PROGRAM = """\

import asyncio, json, sys, time
sys.path.insert(0, {agents!r})
import blockprobe_agent

async def blocking_work():
    time.sleep(0.3)

async def main():
    if sys.argv[1] == "inside":
        blockprobe_agent.start(port=0)
    await asyncio.sleep(0.2)
    await blocking_work()
    await asyncio.sleep(0.1)

if sys.argv[1] == "before":
    blockprobe_agent.start(port=0)
asyncio.run(main())
print(json.dumps(blockprobe_agent.start(port=0).snapshot()))
"""

    def run_program(self, where):
        # A file, not python -c: code from "<string>" has no source to show
        # and no place among the server's files.
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "program.py")
            with open(path, "w") as f:
                f.write(self.PROGRAM.format(agents=HERE))
            out = subprocess.run([sys.executable, path, where], capture_output=True, text=True,
                                 timeout=30, cwd=ROOT)
        self.assertEqual(out.returncode, 0, out.stderr)
        return json.loads(out.stdout)

    def test_start_before_and_inside_the_loop(self):
        for where in ("before", "inside"):
            with self.subTest(where=where):
                doc = self.run_program(where)
                named = [s for s in doc["stalls"] if s["handler"] == "blocking_work"]
                self.assertEqual(len(named), 1, doc["stalls"])
                self.assertGreaterEqual(named[0]["duration_ms"], 200)
                self.assertEqual(named[0]["frames"][0]["code"], "time.sleep(0.3)")


if __name__ == "__main__":
    unittest.main()
