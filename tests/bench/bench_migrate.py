"""``portable migrate copy`` throughput against rclone, items per second, and memory during a 1 GB copy.

    python tests/bench/bench_migrate.py [--objects 200] [--object-kb 256] [--items 100000] [--gigabytes 1]
                                        [--only objects|items|memory]     (BENCH_WORKERS=16: the concurrency)

1. **Objects, emulator to emulator**: two moto servers on 127.0.0.1 (two S3 endpoints). The same
   corpus (``--objects`` objects of ``--object-kb`` KB plus two 16 MB ones) is copied from the first
   to the second by portable's streaming copy (sha256 per object, ``BENCH_WORKERS`` workers, default 8)
   and by ``rclone copy --checksum --transfers BENCH_WORKERS`` (Debian's rclone), each into an empty
   bucket; the ratio is portable's MB/s over rclone's, measured in the same run.
2. **Items**: ``--items`` items with nested maps, big integers and decimals copied between two local
   state folders (SQLite), batches of 500 through the neutral encoding; items per second.
3. **Memory**: a child process copies one object of 128 MB and then, in a fresh child, one of
   ``--gigabytes`` GB between two local state folders; the peak resident memory (``VmHWM``) of
   each child is reported, with its peak after the imports: flat means independent of the data size.

A benchmark, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from portable.dataplane import ObjectInfo, Side  # noqa: E402
from portable.migrate.copy import CopyOptions, copy_stack  # noqa: E402
from portable.migrate.manifest import Manifest  # noqa: E402
from portable.migrate.sides import data_plane  # noqa: E402
from portable.model import Stack  # noqa: E402

MB = 1024 * 1024
WORKERS = int(os.environ.get("BENCH_WORKERS", "8"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _moto() -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    executable = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or "moto_server"
    process = subprocess.Popen([executable, "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
            return process, url
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto_server did not start on {url}")


def _stack(kind: str) -> Stack:
    stack = Stack("bench")
    if kind == "bucket":
        stack.bucket("files")
    else:
        stack.table("orders", key="customer", sort_key="order_id")
    return stack


def _aws_plane(stack: Stack, url: str, bucket: str) -> object:
    import boto3

    os.environ["AWS_ENDPOINT_URL"] = url
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=bucket)
    return data_plane(stack, Side("aws", ROOT, {"buckets": {"files": {"name": bucket}}}, {"aws:region": "us-east-1"}))


def objects(count: int, size_kb: int) -> None:
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")
    (first, first_url), (second, second_url) = _moto(), _moto()
    stack = _stack("bucket")
    try:
        source = _aws_plane(stack, first_url, "corpus")
        corpus = {f"small/{i:05d}+ü.bin": os.urandom(size_kb * 1024) for i in range(count)}
        corpus.update({f"large/{i}.bin": os.urandom(16 * MB) for i in range(2)})
        for key, data in corpus.items():
            source.write_object("files", ObjectInfo(key, len(data)), [data])  # type: ignore[attr-defined]
        total = sum(len(d) for d in corpus.values())

        target = _aws_plane(stack, second_url, "portable-copy")
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            report = copy_stack(source, target, Manifest(Path(folder) / "m.sqlite3"),  # type: ignore[arg-type]
                                Path(folder) / "bad.jsonl", CopyOptions(workers=WORKERS))
            portable_seconds = time.perf_counter() - started
        assert report.ok and report.outcomes[0].bytes == total

        import boto3

        boto3.client("s3", region_name="us-east-1", endpoint_url=second_url).create_bucket(Bucket="rclone-copy")
        config = Path(tempfile.mkdtemp()) / "rclone.conf"
        config.write_text("".join(
            f"[{name}]\ntype = s3\nprovider = Other\nendpoint = {url}\naccess_key_id = bench\n"
            "secret_access_key = bench\nregion = us-east-1\n\n"
            for name, url in (("one", first_url), ("two", second_url))))
        started = time.perf_counter()
        subprocess.run(["rclone", "--config", str(config), "copy", "--checksum", "--transfers", str(WORKERS),
                        "one:corpus", "two:rclone-copy"], check=True,
                       env={k: v for k, v in os.environ.items() if not k.startswith("AWS_")})
        rclone_seconds = time.perf_counter() - started
    finally:
        for process in (first, second):
            process.terminate()
            process.wait()
    mb = total / MB
    print(f"objects: {len(corpus)} objects, {mb:.1f} MB, moto S3 -> moto S3")
    print(f"  portable copy  {portable_seconds:6.2f} s  {mb / portable_seconds:6.1f} MB/s ({WORKERS} workers)")
    print(f"  rclone copy    {rclone_seconds:6.2f} s  {mb / rclone_seconds:6.1f} MB/s (--checksum --transfers {WORKERS})")
    print(f"  ratio portable/rclone throughput: {rclone_seconds / portable_seconds:.2f}")


def items(count: int) -> None:
    stack = _stack("table")
    with tempfile.TemporaryDirectory() as folder:
        source = data_plane(stack, Side("local", Path(folder), {"state": f"{folder}/a"}))
        target = data_plane(stack, Side("local", Path(folder), {"state": f"{folder}/b"}))
        table = source.table("orders")
        batch = []
        for i in range(count):
            batch.append({"customer": f"c{i % 997}", "order_id": f"{i:08d}", "total": Decimal("12.345678901234567890"),
                          "big": 2**70 + i, "lines": [{"sku": "x", "qty": i % 5}], "note": None})
            if len(batch) == 5000:
                source.write_items(table, batch)
                batch = []
        source.write_items(table, batch)
        started = time.perf_counter()
        report = copy_stack(source, target, Manifest(Path(folder) / "m.sqlite3"), Path(folder) / "bad.jsonl")
        seconds = time.perf_counter() - started
        assert report.ok and report.outcomes[0].copied == count
    print(f"items: {count} items local -> local in {seconds:.2f} s: {count / seconds:,.0f} items/s")


CHILD = """
import sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from portable.dataplane import ObjectInfo, Side
from portable.migrate.copy import copy_stack
from portable.migrate.manifest import Manifest
from portable.migrate.sides import data_plane
from portable.model import Stack

def peak_kb():  # VmHWM: this process's own peak (ru_maxrss would include the parent's, kept across exec)
    line = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    return int(line.split()[1])

base = peak_kb()
size = int(sys.argv[1])
stack = Stack("bench")
stack.bucket("files")
with tempfile.TemporaryDirectory(dir=sys.argv[3]) as folder:
    source = data_plane(stack, Side("local", Path(folder), {"state": folder + "/a"}))
    target = data_plane(stack, Side("local", Path(folder), {"state": folder + "/b"}))
    block = bytes(range(256)) * 4096
    source.write_object("files", ObjectInfo("big.bin", size), (block for _ in range(size // len(block))))
    started = time.perf_counter()
    report = copy_stack(source, target, Manifest(Path(folder) / "m.sqlite3"), Path(folder) / "bad.jsonl")
    seconds = time.perf_counter() - started
    assert report.ok and report.outcomes[0].bytes == size
    print(base, peak_kb(), seconds)
"""


def memory(gigabytes: float) -> None:
    print("memory: peak RSS of a child copying one object between local state folders")
    for size in (128 * MB, int(gigabytes * 1024) * MB):
        out = subprocess.run([sys.executable, "-c", CHILD, str(size), str(ROOT), tempfile.gettempdir()],
                             check=True, capture_output=True, text=True).stdout.split()
        before, peak, seconds = int(out[0]), int(out[1]), float(out[2])
        print(f"  {size / MB:7.0f} MB: peak RSS {peak / 1024:6.1f} MB (after the imports {before / 1024:6.1f} MB), "
              f"{size / MB / seconds:6.1f} MB/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=200)
    parser.add_argument("--object-kb", type=int, default=256)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--gigabytes", type=float, default=1.0)
    parser.add_argument("--only", choices=("objects", "items", "memory"), help="Run one part only.")
    args = parser.parse_args()
    if args.only in (None, "objects"):
        objects(args.objects, args.object_kb)
    if args.only in (None, "items"):
        items(args.items)
    if args.only in (None, "memory"):
        memory(args.gigabytes)


if __name__ == "__main__":
    main()
