"""What the Python example servers share: their flags, the address they print
and how they stop. The lesson of each server is in its own file, in its
handlers; this module is only the frame around them, written once.

Each server puts this folder on sys.path and imports it, so it runs from any
working directory and under the blockprobe loop agent.
"""

import argparse
import asyncio
import os
import signal
import sys

HOST = "127.0.0.1"

# Connections a blocked loop cannot accept wait in the kernel's backlog. A
# full backlog drops SYNs and the client retries a second or more later,
# which would add that retry to the latency blockprobe measures.
BACKLOG = 1024


def at_least(minimum, kind):
    """An argparse type: kind(text), refused below minimum."""

    def parse(text):
        value = kind(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}, got {text}")
        return value

    return parse


def parser(doc, pool_help):
    """The flags every example takes: --mode, --port, --delay and --pool."""
    p = argparse.ArgumentParser(description=doc.split("\n")[0])
    p.add_argument("--mode", choices=["blocking", "async", "pooled"], default="blocking",
                   help="how ComplexHandler works (default: blocking)")
    p.add_argument("--port", type=at_least(0, int), default=8888,
                   help="port on 127.0.0.1; 0 picks a free one (default: 8888)")
    p.add_argument("--delay", type=at_least(0, float), default=5.0,
                   help="seconds of work per ComplexHandler request (default: 5)")
    p.add_argument("--pool", type=at_least(1, int), default=5,
                   help=f"{pool_help} in pooled mode (default: 5)")
    return p


def parse(p, argv):
    """The arguments of argv, with the checks argparse cannot express."""
    args = p.parse_args(argv)
    if args.port > 65535:
        p.error(f"argument --port: must be <= 65535, got {args.port}")
    return args


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


async def until_stopped(port):
    """Prints the address blockprobe and the tests read, then waits for a
    stopping signal."""
    stop = asyncio.Event()
    stop_on_signals(asyncio.get_running_loop(), stop)
    print(f"listening on http://{HOST}:{port}", flush=True)
    await stop.wait()


def run(serve, args):
    """Runs serve(args) on a new event loop: exit status 0, or 1 when the
    port cannot be had."""
    try:
        asyncio.run(serve(args))
    except OSError as e:
        print(f"server.py: {e}", file=sys.stderr)
        return 1
    return 0
