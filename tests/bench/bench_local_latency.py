"""Two latencies of ``portable dev`` that a developer feels, with the dashboard on (it always is):

- start: from launching ``portable dev examples/orders`` to its first served request;
- reload: from saving a handler file to the first response of the new code (``--reload``).

    python tests/bench/bench_local_latency.py [--runs 5]

Each is measured ``--runs`` times; the median and the range are printed. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PORTABLE = Path(sys.executable).parent / "portable"

STACK = """
from portable import Http, Stack

stack = Stack("latency")
stack.function("hello", handler="hello:handle", triggers=[Http("GET", "/hello", public=True)])
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except urllib.error.HTTPError as error:
        return error.read().decode()
    except OSError:
        return None


def _dev(target: Path, port: int, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PORTABLE_SECRET_RECEIPT_SIGNING_KEY": "bench"}
    return subprocess.Popen([str(PORTABLE), "dev", str(target), "--port", str(port), *extra], cwd=target,
                            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()


def start_latency(state: Path) -> float:
    port = _free_port()
    started = time.perf_counter()
    process = _dev(ROOT / "examples" / "orders", port, "--no-reload", "--state", str(state))
    try:
        while _get(f"http://127.0.0.1:{port}/orders/none") is None:
            if process.poll() is not None:
                raise RuntimeError("portable dev exited")
            time.sleep(0.002)
        return time.perf_counter() - started
    finally:
        _stop(process)


def reload_latencies(project: Path, runs: int) -> list[float]:
    handler = project / "hello.py"
    handler.write_text("def handle(request):\n    return 'version 0'\n")
    port = _free_port()
    process = _dev(project, port, "--reload")
    url = f"http://127.0.0.1:{port}/hello"
    try:
        while _get(url) != "version 0":
            time.sleep(0.01)
        time.sleep(0.5)  # the watcher is up
        found = []
        for n in range(1, runs + 1):
            saved = time.perf_counter()
            handler.write_text(f"def handle(request):\n    return 'version {n}'\n")
            while _get(url) != f"version {n}":
                time.sleep(0.002)
            found.append(time.perf_counter() - saved)
            time.sleep(0.3)
        return found
    finally:
        _stop(process)


def _report(name: str, seconds: list[float], goal: float) -> None:
    print(f"  {name:<34} median {statistics.median(seconds):.3f} s  (min {min(seconds):.3f}, max {max(seconds):.3f}; "
          f"goal <= {goal} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        starts = [start_latency(base / f"state-{n}") for n in range(args.runs)]
        project = base / "project"
        project.mkdir()
        (project / "stack.py").write_text(textwrap.dedent(STACK))
        reloads = reload_latencies(project, args.runs)
    print(f"portable dev latencies, {args.runs} runs each, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    _report("start to first served request", starts, 0.5)
    _report("saved handler to reloaded code", reloads, 0.2)


if __name__ == "__main__":
    main()
