"""``portable plan examples/orders --provider gcp`` through the CLI and the shared plan machinery."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from portable.cli import app
from portable.deploy import placeholder_bundles

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def no_build() -> Iterator[None]:
    with placeholder_bundles():
        yield


def test_plan_orders_on_gcp_as_json(no_build: None) -> None:
    result = CliRunner().invoke(app, ["plan", str(ROOT / "examples" / "orders"), "--provider", "gcp", "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["provider"] == "gcp" and plan["stack"] == "orders"
    services = {r["name"]: r for r in plan["resources"] if r["type"] == "gcp:cloudrunv2/service:Service"}
    assert sorted(services) == ["api", "audit-log", "nightly-report", "receipt-indexer", "receipt-worker"]
    assert services["api"]["inputs"]["project"] == "my-project-id"  # from examples/orders/Pulumi.gcp.yaml
    assert services["api"]["parent"] == "portable:gcp:Function::api"
    assert any(n.startswith("Table 'orders': Firestore roles exist only at project level") for n in plan["notes"])
    assert plan["outputs"]["functions"]["api"]["url"] == (
        "https://orders-api-123456789012.europe-west1.run.app")


def test_plan_orders_on_gcp_as_a_table(no_build: None) -> None:
    result = CliRunner().invoke(app, ["plan", str(ROOT / "examples" / "orders"), "--provider", "gcp"])
    assert result.exit_code == 0, result.output
    assert "gcp:cloudrunv2/service:Service" in result.stdout or "cloudrunv2" in result.stdout
