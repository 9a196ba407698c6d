"""Benchmark build_bundle: a cold build, then rebuilds of the unchanged function from the cache.

    python tests/bench/bench_bundle.py                       # offline: a tiny local wheel as the dependency
    python tests/bench/bench_bundle.py -r requests==2.32.3   # real requirements from the package index
    python tests/bench/bench_bundle.py --source examples/orders/src

Prints the cold build time, the median of the cached rebuilds and their ratio, and exits with status 1
when the cached rebuild is over budget (50 ms).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from portable.bundle import BundleSpec, build_bundle
from portable.bundle.shim import install_root

RUNTIME_CANDIDATES = ("portable/__init__.py", "portable/errors.py", "portable/runtime", "providers/__init__.py",
                      "providers/aws/__init__.py", "providers/aws/contract.py", "providers/aws/runtime.py")


def sample_source(root: Path, modules: int = 30) -> Path:
    """A function source folder of ``modules`` handler modules of ~2 kB each, plus a data file."""
    for i in range(modules):
        module = root / "app" / f"handler_{i:02d}.py"
        module.parent.mkdir(parents=True, exist_ok=True)
        module.write_text(f'"""Handler {i}."""\n\n' + "".join(
            f"def step_{j}(event, ctx):\n    return {{'handler': {i}, 'step': {j}}}\n\n" for j in range(30)))
    (root / "app" / "__init__.py").write_text("")
    (root / "data.json").write_text('{"rows": [' + ", ".join(str(n) for n in range(2000)) + "]}\n")
    return root


def tiny_wheel(folder: Path) -> Path:
    """A pure-Python wheel ``benchdep`` so the benchmark runs without a package index."""
    files = {
        "benchdep/__init__.py": b"VALUE = 1\n",
        "benchdep-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: benchdep\nVersion: 1.0\n",
        "benchdep-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    rows = [f"{p},sha256={base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b'=').decode()},{len(d)}"
            for p, d in files.items()]
    files["benchdep-1.0.dist-info/RECORD"] = ("\n".join([*rows, "benchdep-1.0.dist-info/RECORD,,"]) + "\n").encode()
    wheel = folder / "benchdep-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return wheel


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-r", "--requirement", action="append", default=[], help="a requirement from the index")
    parser.add_argument("--source", type=Path, help="a source folder (default: a generated 30-module app)")
    parser.add_argument("--architecture", default="x86_64", choices=("x86_64", "arm64"))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--budget-ms", type=float, default=50.0)
    args = parser.parse_args()

    root = install_root()
    runtime_files = tuple(p for p in RUNTIME_CANDIDATES if (root / p).exists())
    with tempfile.TemporaryDirectory(prefix="bench-bundle-") as scratch:
        work = Path(scratch)
        source = args.source.resolve() if args.source else sample_source(work / "src")
        requirements: tuple[str, ...]
        pip_args: tuple[str, ...]
        if args.requirement:
            requirements, pip_args = tuple(args.requirement), ()
        else:
            (work / "wheels").mkdir()
            tiny_wheel(work / "wheels")
            requirements, pip_args = ("benchdep",), ("--no-index", "--find-links", str(work / "wheels"))
        spec = BundleSpec(source, requirements, "3.12", args.architecture, runtime_files, pip_args=pip_args)
        cache = work / "cache"

        started = time.perf_counter()
        bundle = build_bundle(spec, cache)
        cold = time.perf_counter() - started

        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            again = build_bundle(spec, cache)
            times.append(time.perf_counter() - started)
            if not again.cached or again.sha256 != bundle.sha256:
                print("error: the rebuild of an unchanged function was not served from the cache", file=sys.stderr)
                return 1
        median = statistics.median(times)

        print(f"bundle:          {bundle.describe()}")
        print(f"requirements:    {', '.join(requirements)}")
        print(f"cold build:      {cold * 1000:9.1f} ms")
        print(f"cached rebuild:  {median * 1000:9.2f} ms (median of {args.runs}, min {min(times) * 1000:.2f} ms, "
              f"max {max(times) * 1000:.2f} ms)")
        print(f"ratio:           {cold / median:9.0f}x")
        if median * 1000 > args.budget_ms:
            print(f"SLOW: the cached rebuild is over the {args.budget_ms:.0f} ms budget", file=sys.stderr)
            return 1
        print(f"OK: within the {args.budget_ms:.0f} ms budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
