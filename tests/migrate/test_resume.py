"""``kill -9`` in the middle of ``portable migrate copy`` and run it again: it resumes from the
manifest, nothing is missing at the target and nothing already done is copied again."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from portable.dataplane import ObjectInfo
from portable.migrate.manifest import manifest_path
from tests.migrate.conftest import Cloud, outputs_file, shop

STACK_PY = '''\
from portable import Stack

stack = Stack("shop")
stack.bucket("files")
stack.table("orders", key="customer", sort_key="order_id", ttl_attribute="expires")
stack.secret("api-key")
'''
OBJECTS = 800


def _done(manifest: Path) -> int:
    if not manifest.exists():
        return 0
    with sqlite3.connect(manifest) as db:
        try:
            return int(db.execute("SELECT count(*) FROM entries WHERE state = 'done'").fetchone()[0])
        except sqlite3.OperationalError:  # the copy has not created its table yet
            return 0


def test_kill_and_resume(cloud: Cloud, tmp_path: Path) -> None:
    stack = shop()
    source, target = cloud("local", stack, "src"), cloud("aws", stack, "dst")
    for i in range(OBJECTS):
        data = f"object {i} ".encode() * 50
        source.write_object("files", ObjectInfo(f"part/{i:05d}+ü.txt", len(data)), [data])
    source.write_items(source.table("orders"), [{"customer": f"c{i % 7}", "order_id": f"{i:04d}", "n": i}
                                                for i in range(300)])
    source.write_secret("api-key", "resume-secret")
    root = tmp_path / "project"
    root.mkdir()
    (root / "stack.py").write_text(STACK_PY)
    portable = [sys.executable, "-c", "from portable.cli import main; main()", "migrate"]
    sides = [str(root), "--from", "local", "--to", "aws",
             "--from-outputs", str(outputs_file(source, tmp_path / "local.json")),
             "--to-outputs", str(outputs_file(target, tmp_path / "aws.json")), "--json"]
    command = [*portable, "copy", *sides, "--workers", "2"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    manifest = manifest_path(root, "shop", "local", "aws")

    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while _done(manifest) < OBJECTS // 5:
        assert first.poll() is None, first.stderr.read() if first.stderr else ""
        assert time.monotonic() < deadline, "the copy did not get going"
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait()
    done_at_kill = _done(manifest)
    assert 0 < done_at_kill < OBJECTS

    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    bucket, table, secret = json.loads(second.stdout)["resources"]
    assert bucket["skipped"] >= done_at_kill
    assert bucket["copied"] + bucket["skipped"] == OBJECTS
    assert bucket["copied"] <= OBJECTS - done_at_kill + 2  # at most the two objects in flight at the kill
    assert (table["copied"], secret["copied"]) == (300, 1)
    keys = [o.key for o in target.list_objects("files")]
    assert len(keys) == len(set(keys)) == OBJECTS

    verify = subprocess.run([*portable, "verify", *sides], env=env, capture_output=True,
                            text=True, timeout=120)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "resume-secret" not in second.stdout + second.stderr + verify.stdout + verify.stderr
