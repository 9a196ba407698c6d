"""``portable migrate plan``: the target's limits first, the mapping with counts and bytes from a
reachable source, the behaviour differences from both providers' facts, the runbook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from portable.cli import app
from portable.dataplane import canonical
from portable.migrate.plan import differences
from portable.model import Stack
from portable.registry import get_provider
from tests.migrate.conftest import ITEMS, OBJECTS, Cloud, outputs_file, seed, shop

STACK_PY = '''\
from portable import Stack

stack = Stack("shop")
stack.bucket("files")
stack.table("orders", key="customer", sort_key="order_id", ttl_attribute="expires")
'''


def test_plan_maps_counts_and_lists_the_differences(cloud: Cloud, tmp_path: Path) -> None:
    source = cloud("aws", shop(secret=False), "src")
    seed(source)
    root = tmp_path / "project"
    root.mkdir()
    (root / "stack.py").write_text(STACK_PY)
    (root / "Pulumi.gcp.yaml").write_text("config:\n  portable:provider: gcp\n  gcp:project: acme-shop\n")

    result = CliRunner().invoke(app, ["migrate", "plan", str(root), "--from", "aws", "--to", "gcp", "--json",
                                      "--from-outputs", str(outputs_file(source, tmp_path / "aws.json"))])

    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    bucket, table = plan["resources"]
    assert (bucket["source"], bucket["count"], bucket["bytes"]) == (
        source.physical("bucket", "files"), len(OBJECTS), sum(len(d) for d, _, _ in OBJECTS.values()))
    assert bucket["target"].startswith("shop-files-")
    assert (table["source"], table["target"], table["count"]) == (source.physical("table", "orders"),
                                                                   "shop-orders", len(ITEMS))
    assert table["bytes"] == sum(len(canonical(item).encode()) for item in ITEMS)
    egress = next(line for line in plan["cost"]["lines"] if line["price"] == "s3.egress.internet")
    assert egress["quantity"] == pytest.approx((bucket["bytes"] + table["bytes"]) / 1e9)
    assert plan["cost"]["usd"] == pytest.approx(sum(line["usd"] for line in plan["cost"]["lines"]))
    assert {line["side"] for line in plan["cost"]["lines"]} == {"source", "target"}
    topics = {(d["kind"], d["topic"]): d for d in plan["differences"]}
    assert topics[("table", "set values")]["action"] == "items holding sets go to the bad-items file"
    assert topics[("table", "number precision")]["target"] == "64-bit signed integers and IEEE 754 doubles"
    assert not any(kind == "queue" for kind, _ in topics)  # the stack declares no queue
    assert [s["step"] for s in plan["runbook"]] == [
        "deploy the target", "copy", "verify", "switch traffic", "copy the delta", "verify again",
        "decommission the source"]
    assert plan["runbook"][1]["command"] == (
        f"portable migrate copy {root} --from aws --to gcp --from-outputs aws.json --to-outputs gcp.json")


def test_a_stack_the_target_cannot_run_stops_the_plan(tmp_path: Path) -> None:
    (tmp_path / "stack.py").write_text('from portable import Stack\n\nstack = Stack("shop")\n'
                                       'stack.function("api", handler="app.api:handle", source="src", timeout=3600)\n')
    (tmp_path / "Pulumi.aws.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    result = CliRunner().invoke(app, ["migrate", "plan", str(tmp_path), "--from", "local", "--to", "aws"])
    assert result.exit_code == 1
    assert " ".join(result.output.split()).startswith(
        "Error: Stack 'shop' on AWS Lambda has 1 problem: - Function 'api': AWS Lambda allows a timeout of at most "
        "900 s; got 3600")


def test_differences_follow_the_declared_kinds() -> None:
    stack = Stack("shop")
    stack.queue("jobs")
    found = {(d.kind, d.topic): (d.source, d.target)
             for d in differences(stack, get_provider("aws").facts(), get_provider("azure").facts())}
    assert found[("queue", "largest message")] == ("1048576", "65536")
    assert not any(kind == "table" for kind, _ in found)
