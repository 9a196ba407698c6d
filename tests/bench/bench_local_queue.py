"""Durable queue throughput and latency of the local provider, end to end.

    python tests/bench/bench_local_queue.py [--messages 20000] [--producers 2] [--rate 500]

A stack with one queue and one worker function runs in a ``LocalStack`` (consumer threads, SQLite in
WAL mode on disk). Producer threads send through the runtime client (``queue("jobs").send``, as a
handler would), each body carrying its send time; the worker records when it got each message.

Three runs: a saturating one (everything sent as fast as possible while the consumers run; throughput
= messages handled per second from the first send to the last message handled), a paced one at
``--rate`` messages/s (latency at a steady load), and a backlog one (the messages are queued first,
then the consumers start: how fast a backlog drains). Every message is checked: none lost; duplicates (allowed by at-least-once,
not expected without failures) are counted. A benchmark, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from portable.model import Stack  # noqa: E402
from portable.runtime import queue  # noqa: E402
from providers.local.stack import LocalStack  # noqa: E402

WORKER = """
import time

received = []

def handle(message):
    received.append((message.text, time.time()))
"""


def build(root: Path, batch_size: int, concurrency: int) -> LocalStack:
    (root / "src").mkdir()
    (root / "src" / "bench_worker.py").write_text(textwrap.dedent(WORKER))
    stack = Stack("queue-bench")
    jobs = stack.queue("jobs", visibility_timeout=60)
    stack.function("worker", handler="bench_worker:handle", source="src",
                   triggers=[jobs.trigger(batch_size=batch_size, max_concurrency=concurrency)])
    return LocalStack(stack, root, root / "state", log="off", log_stream=None)


def produce(local: LocalStack, names: list[str], interval: float) -> None:
    with local.admin():
        jobs = queue("jobs")
        next_at = time.perf_counter()
        for name in names:
            if interval:
                next_at += interval
                delay = next_at - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            jobs.send(f"{name} {time.time():.6f}")


def run(local: LocalStack, count: int, producers: int, rate: float | None, label: str) -> None:
    import bench_worker  # the worker module, as the consumers loaded it

    bench_worker.received.clear()
    names = [f"{label}-{n}" for n in range(count)]
    interval = producers / rate if rate else 0.0
    shares = [names[i::producers] for i in range(producers)]
    started = time.time()
    threads = [threading.Thread(target=produce, args=(local, share, interval)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent_done = time.time()
    local.drain(timeout=600)
    received = list(bench_worker.received)
    finished = max(at for _, at in received)
    latencies = sorted(at - float(text.split()[1]) for text, at in received)
    seen = [text.split()[0] for text, _ in received]
    lost = len(set(names) - set(seen))
    duplicates = len(seen) - len(set(seen))
    p = lambda q: latencies[min(len(latencies) - 1, int(len(latencies) * q))] * 1e3  # noqa: E731
    print(f"  {label:<10} {count:>7} messages  sent at {count / (sent_done - started):>8,.0f}/s  "
          f"handled at {count / (finished - started):>8,.0f}/s end to end   "
          f"latency p50 {p(0.5):7.2f} ms  p99 {p(0.99):8.2f} ms   lost {lost}  duplicates {duplicates}", flush=True)


def backlog(local: LocalStack, count: int, producers: int) -> None:
    import bench_worker

    bench_worker.received.clear()
    names = [f"backlog-{n}" for n in range(count)]
    threads = [threading.Thread(target=produce, args=(local, names[i::producers], 0.0)) for i in range(producers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    started = time.time()
    local.start()
    local.drain(timeout=600)
    received = [text.split()[0] for text, _ in bench_worker.received]
    elapsed = max(at for _, at in bench_worker.received) - started
    print(f"  {'backlog':<10} {count:>7} messages  queued first, then drained at {count / elapsed:>8,.0f}/s   "
          f"lost {len(set(names) - set(received))}  duplicates {len(received) - len(set(received))}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--producers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=500.0, help="messages/s of the paced run")
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        local = build(Path(tmp), args.batch_size, args.concurrency)
        local.function("worker").load()  # import the worker module (consumers not started yet)
        try:
            print(f"durable SQLite queue (WAL), batch {args.batch_size}, {args.concurrency} consumer threads, "
                  f"{args.producers} producer threads")
            backlog(local, args.messages, args.producers)
            run(local, args.messages, args.producers, None, "saturated")
            run(local, max(1000, int(args.rate * 10)), args.producers, args.rate, "paced")
        finally:
            local.close()


if __name__ == "__main__":
    main()
