"""What the plan benchmarks of Google Cloud and Azure share: the generated stack, and the timing loop
that runs portable's deploy program and a hand-written one alternately under the same mocks."""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable

from portable.model import Http, Stack

Program = Callable[[], None]
Runner = Callable[[Program], tuple[float, int]]
"""Runs a program under the cloud's mocks -> (seconds, resources registered)."""


def bench_stack(count: int) -> Stack:
    """``count`` functions, each with an HTTP route, a queue trigger and two links (a table,
    read_write; a bucket, write)."""
    stack = Stack("bench")
    items = stack.table("items")
    files = stack.bucket("files")
    for i in range(count):
        jobs = stack.queue(f"jobs-{i}")
        stack.function(f"fn-{i}", handler="app:handle", triggers=[Http("GET", f"/items{i}"), jobs.trigger()],
                       links=[items.read_write(), files.write()])
    return stack


def compare(description: str, floor: str, programs: Callable[[int], dict[str, Program]], run: Runner,
            repeat: int = 5) -> None:
    """Parse ``--functions``/``--repeat``, time ``programs(n)`` (``"portable"`` and ``floor``)
    alternately after one warm-up run each, and print the medians and their ratio."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--functions", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=repeat)
    args = parser.parse_args()
    built = programs(args.functions)
    for program in built.values():  # warm-up: imports, first-call caches
        run(program)
    times: dict[str, list[float]] = {name: [] for name in built}
    counts: dict[str, int] = {}
    for _ in range(args.repeat):
        for name, program in built.items():
            elapsed, counts[name] = run(program)
            times[name].append(elapsed)
    medians = {name: statistics.median(values) for name, values in times.items()}
    width = max(len(name) for name in built)
    for name in built:
        print(f"{name:>{width}}: {medians[name] * 1000:8.0f} ms median of {args.repeat}, {counts[name]} resources "
              f"({counts[name] and medians[name] / counts[name] * 1e6:.0f} us/resource)")
    print(f"portable / {floor}: {medians['portable'] / medians[floor]:.2f}x "
          f"({args.functions} functions, each: HTTP route + queue trigger + 2 links)")
