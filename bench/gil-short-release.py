#!/usr/bin/env python3
"""How often CPython's loop thread loses the GIL across a short release.

A measurement for the GIL model (bench/FIDELITY-GIL.md, "A recalibration tried and not kept").
A "loop" thread waits 50 ms in sleep (its poller), then makes eight short
releases, as Tornado does around the socket calls and polls of a request
(epoll_wait(0), send, recv, recv that finds nothing), with ~30 µs of Python
between them, while THREADS threads compute in pure Python. A release after
which the loop waited for the lock for more than a quarter of the switch
interval counts as lost.

  /usr/bin/python3 bench/gil-short-release.py THREADS [INTERVAL_S [SECONDS]]
"""
import selectors
import socket
import statistics
import sys
import threading
import time

threads = int(sys.argv[1])
interval = float(sys.argv[2]) if len(sys.argv) > 2 else 0.005
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 4
sys.setswitchinterval(interval)
stop = threading.Event()


def compute():
    x = 0
    while not stop.is_set():
        for i in range(500):
            x = (x * 31 + i) % 1000003


def python(us):
    end = time.perf_counter() + us / 1e6
    while time.perf_counter() < end:
        pass


workers = [threading.Thread(target=compute) for _ in range(threads)]
for w in workers:
    w.start()
sel = selectors.DefaultSelector()
a, b = socket.socketpair()
a.setblocking(False)
sel.register(a, selectors.EVENT_READ)


def release(k):
    if k == 0:
        sel.select(0)
    elif k == 1:
        b.send(b"x")
    elif k == 2:
        a.recv(10)
    else:
        try:
            a.recv(10)
        except BlockingIOError:
            pass


time.sleep(0.2)
costs = []
end = time.time() + seconds
while time.time() < end:
    time.sleep(0.05)
    for k in range(8):
        python(30)
        start = time.perf_counter()
        release(k % 4)
        costs.append(time.perf_counter() - start)
stop.set()
lost = [c for c in costs if c > interval / 4]
print(
    f"{threads} computing thread(s), {interval * 1e3:g} ms interval: {len(lost)} of {len(costs)} short releases lost "
    f"({len(lost) / len(costs):.1%}), each costing the loop {statistics.median(lost) * 1e3 if lost else 0:.1f} ms (median)"
)
