"""``verify`` finds a corrupted object and an altered item planted at the target after a copy, and
exits non-zero naming them; secrets are compared without revealing either value."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from portable.cli import app
from portable.dataplane import ObjectInfo
from portable.migrate.copy import copy_stack
from portable.migrate.manifest import Manifest
from portable.migrate.verify import verify_stack
from tests.migrate.conftest import ITEMS, OBJECTS, Cloud, outputs_file, seed, shop

STACK_PY = '''\
from portable import Stack

stack = Stack("shop")
stack.bucket("files")
stack.table("orders", key="customer", sort_key="order_id", ttl_attribute="expires")
stack.secret("api-key")
'''


def test_verify_finds_a_corrupted_object_and_an_altered_item(cloud: Cloud, tmp_path: Path) -> None:
    stack = shop()
    source, target = cloud("aws", stack, "src"), cloud("local", stack, "dst")
    seed(source)
    assert copy_stack(source, target, Manifest(tmp_path / "m.sqlite3"), tmp_path / "bad.jsonl").ok
    data = OBJECTS["a+b/c+d.bin"][0]
    target.write_object("files", ObjectInfo("a+b/c+d.bin", len(data)), [data[:-1] + b"X"])
    target.write_items(target.table("orders"), [{**ITEMS[1], "paid": False}])
    target.write_secret("api-key", "another-value")

    report = verify_stack(source, target)

    assert not report.ok
    bucket, table, secret = report.outcomes
    assert len(bucket.differences) == 1 and bucket.differences[0].startswith("'a+b/c+d.bin': sha256 ")
    assert table.differences == ["customer='ada', order_id='2026-02': the item differs"]
    assert secret.differences == ["secret 'api-key': the values differ"]

    root = tmp_path / "project"
    root.mkdir()
    (root / "stack.py").write_text(STACK_PY)
    args = ["migrate", "verify", str(root), "--from", "aws", "--to", "local",
            "--from-outputs", str(outputs_file(source, tmp_path / "aws.json")),
            "--to-outputs", str(outputs_file(target, tmp_path / "local.json"))]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 1, result.output
    differences = [d for r in json.loads(result.stdout)["resources"] for d in r["differences"]]
    assert differences == [bucket.differences[0], table.differences[0], secret.differences[0]]
    assert "another-value" not in result.output and "s3cr=t" not in result.output
    assert (root / ".portable/migrate/shop-aws-to-local.verify.json").exists()
