"""HTTP requests/s of ``portable dev`` against Google's functions-framework, same handler, same machine.

    python tests/bench/bench_local_http.py [--duration 10] [--connections 16] [--loadgen wrk|python]

Each server serves a trivial handler returning ``Hello, World!``; the same load generator (``wrk`` when
it is on PATH, else a keep-alive raw-socket generator in Python) drives each one in turn for the same
time, after a warm-up. Servers:

- ``portable dev`` (default logging: one JSON line per invocation, to /dev/null here);
- functions-framework's Flask dev server as ``functions-framework --debug`` runs it (Werkzeug,
  threaded, with the reloader and debugger), and the same Flask app under Werkzeug without debug;
- functions-framework's default server when gunicorn is installed (gthread, 1 worker, 4 threads/CPU).

It prints requests/s, p50 and p99 latency, and the ratio of ``portable dev`` to each. A benchmark,
not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BIN = Path(sys.executable).parent
RESPONSE = "Hello, World!"

PORTABLE_STACK = """
from portable import Http, Stack

stack = Stack("bench")
stack.function("hello", handler="hello:handle", source=".", triggers=[Http("GET", "/", public=True)])
"""
PORTABLE_HANDLER = f"def handle(request):\n    return {RESPONSE!r}\n"
FF_HANDLER = f"def hello(request):\n    return {RESPONSE!r}\n"
FLASK_NO_DEBUG = (
    "import sys; from functions_framework import create_app; "
    "create_app('hello', sys.argv[1]).run('127.0.0.1', int(sys.argv[2]), debug=False, threaded=True)"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    request = b"GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
                sock.sendall(request)
                if RESPONSE.encode() in sock.recv(65536) + sock.recv(65536):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not answer within {timeout}s")


def servers(work: Path) -> list[tuple[str, list[str], dict[str, str]]]:
    """(name, command with {port}, extra environment) for each server to measure."""
    found = [("portable dev", [str(BIN / "portable"), "dev", str(work / "stack.py"), "--port", "{port}", "--no-reload"], {})]
    ff = shutil.which("functions-framework", path=str(BIN)) or shutil.which("functions-framework")
    if ff is None:
        print("functions-framework is not installed: pip install functions-framework (only portable dev is measured)")
        return found
    source = str(work / "main.py")
    found.append(("functions-framework --debug (Flask dev server)",
                  [ff, "--target", "hello", "--source", source, "--host", "127.0.0.1", "--port", "{port}", "--debug"], {}))
    found.append(("Flask dev server, no debug (same app)", [sys.executable, "-c", FLASK_NO_DEBUG, source, "{port}"], {}))
    try:
        import gunicorn  # noqa: F401

        found.append(("functions-framework default (gunicorn gthread)",
                      [ff, "--target", "hello", "--source", source, "--host", "127.0.0.1", "--port", "{port}"], {}))
    except ImportError:
        pass
    return found


# ------------------------------------------------------------------------------ load generators ----
def run_wrk(port: int, duration: float, connections: int) -> tuple[float, float, float]:
    threads = min(connections, 2)
    out = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration:.0f}s", "--latency", f"http://127.0.0.1:{port}/"],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def percentile(p: str) -> float:
        value, unit = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", out)
    if errors:
        print(f"    wrk reported: {errors.group(0)}")
    return rps, percentile("50"), percentile("99")


def _python_worker(port: int, duration: float, threads: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    request = b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n"
    latencies: list[list[float]] = [[] for _ in range(threads)]
    stop_at = time.perf_counter() + duration

    def connect() -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def loop(into: list[float]) -> None:
        sock = connect()
        buffer = b""
        perf = time.perf_counter
        while True:
            start = perf()
            if start >= stop_at:
                break
            try:
                sock.sendall(request)
                while True:
                    head_end = buffer.find(b"\r\n\r\n")
                    if head_end >= 0:
                        head = buffer[:head_end].lower()
                        length = int(re.search(rb"content-length:\s*(\d+)", head).group(1))  # type: ignore[union-attr]
                        total = head_end + 4 + length
                        if len(buffer) >= total:
                            closing = b"connection: close" in head
                            buffer = buffer[total:]
                            break
                    chunk = sock.recv(65536)
                    if not chunk:
                        raise ConnectionError("closed")
                    buffer += chunk
            except OSError:  # the server closed the connection (or timed out): count nothing, reconnect
                sock.close()
                sock, buffer = connect(), b""
                continue
            into.append(perf() - start)
            if closing:
                sock.close()
                sock, buffer = connect(), b""
        sock.close()

    workers = [threading.Thread(target=loop, args=(latencies[i],)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    queue.put([x for lat in latencies for x in lat])


def run_python(port: int, duration: float, connections: int) -> tuple[float, float, float]:
    processes = 2
    per_process = max(1, connections // processes)
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    workers = [multiprocessing.Process(target=_python_worker, args=(port, duration, per_process, queue))
               for _ in range(processes)]
    for w in workers:
        w.start()
    latencies = sorted(x for _ in workers for x in queue.get())
    for w in workers:
        w.join()
    rps = len(latencies) / duration
    return rps, latencies[len(latencies) // 2] * 1e3, latencies[int(len(latencies) * 0.99)] * 1e3


# ---------------------------------------------------------------------------------------- main ----
def measure(name: str, command: list[str], env: dict[str, str], args: argparse.Namespace) -> tuple[float, float, float]:
    port = free_port()
    process = subprocess.Popen([c.replace("{port}", str(port)) for c in command], env={**os.environ, **env},
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        wait_ready(port)
        load = run_wrk if args.loadgen == "wrk" else run_python
        load(port, 2, args.connections)  # warm-up
        return load(port, args.duration, args.connections)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--loadgen", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "stack.py").write_text(PORTABLE_STACK)
        (work / "hello.py").write_text(PORTABLE_HANDLER)
        (work / "main.py").write_text(FF_HANDLER)
        print(f"load generator: {args.loadgen}, {args.connections} keep-alive connections, {args.duration:.0f}s per server, "
              f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
        results = []
        for name, command, env in servers(work):
            rps, p50, p99 = measure(name, command, env, args)
            results.append((name, rps, p50, p99))
            print(f"  {name:<48} {rps:>9,.0f} req/s   p50 {p50:7.2f} ms   p99 {p99:7.2f} ms", flush=True)
    base = results[0][1]
    for name, rps, _, _ in results[1:]:
        print(f"portable dev / {name}: {base / rps:.2f}x")


if __name__ == "__main__":
    main()
