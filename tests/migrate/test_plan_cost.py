"""The cost of a copy worked out by hand from providers/<cloud>/prices.yaml (the arithmetic is written
out): 2,500 objects of 3,000,000,000 bytes, 10,000 items of 25,000,000 bytes (2.5 KB each), a secret."""

from __future__ import annotations

import pytest

from portable.migrate.cost import CopyCost, copy_cost
from portable.migrate.plan import ResourceMapping

SHOP = [
    ResourceMapping("bucket", "files", "src-files", "dst-files", 2_500, 3_000_000_000),
    ResourceMapping("table", "orders", "src-orders", "dst-orders", 10_000, 25_000_000),
    ResourceMapping("secret", "api-key", "src-key", "dst-key"),
]


def _lines(cost: CopyCost) -> dict[tuple[str, str, str], tuple[float, str, float]]:
    return {(line.side, line.resource, line.what): (line.quantity, line.price, line.usd) for line in cost.lines}


def test_aws_to_gcp() -> None:
    cost = copy_cost(SHOP, "aws", "gcp")
    lines = _lines(cost)
    # S3 LIST: ceil(2,500 / 1,000) = 3 requests x $0.005 / 1,000
    assert lines["source", "bucket files", "list requests"] == (3, "s3.writes", pytest.approx(0.000015))
    # S3 GET: 2,500 x $0.0004 / 1,000
    assert lines["source", "bucket files", "GET requests"] == (2_500, "s3.reads", pytest.approx(0.001))
    # Cloud Storage class A: 2,500 x $0.05 / 10,000
    assert lines["target", "bucket files", "PUT requests"] == (2_500, "gcs.class_a", pytest.approx(0.0125))
    # DynamoDB reads: 2.5 KB fits one 4 KB unit: 10,000 x $0.125 / 1,000,000
    assert lines["source", "table orders", "item reads"] == (10_000, "dynamodb.reads", pytest.approx(0.00125))
    # Firestore writes: 10,000 x $0.09 / 100,000
    assert lines["target", "table orders", "item writes"] == (10_000, "firestore.writes", pytest.approx(0.009))
    # Secrets Manager: 1 x $0.05 / 10,000
    assert lines["source", "secret api-key", "secret reads"] == (1, "secretsmanager.calls", pytest.approx(0.000005))
    # egress: (3,000,000,000 + 25,000,000) bytes = 3.025 GB x $0.09
    assert lines["source", "all data", "egress to the internet, GB"] == (
        pytest.approx(3.025), "s3.egress.internet", pytest.approx(0.27225))
    assert len(lines) == 7
    assert cost.usd == pytest.approx(0.000015 + 0.001 + 0.0125 + 0.00125 + 0.009 + 0.000005 + 0.27225)  # 0.29602


def test_gcp_to_aws_counts_dynamodb_write_units_per_started_kb() -> None:
    lines = _lines(copy_cost(SHOP, "gcp", "aws"))
    # Cloud Storage class A lists: 3 x $0.05 / 10,000; class B reads: 2,500 x $0.004 / 10,000
    assert lines["source", "bucket files", "list requests"] == (3, "gcs.class_a", pytest.approx(0.000015))
    assert lines["source", "bucket files", "GET requests"] == (2_500, "gcs.class_b", pytest.approx(0.001))
    # S3 PUT: 2,500 x $0.005 / 1,000
    assert lines["target", "bucket files", "PUT requests"] == (2_500, "s3.writes", pytest.approx(0.0125))
    # Firestore reads: 10,000 x $0.03 / 100,000
    assert lines["source", "table orders", "item reads"] == (10_000, "firestore.reads", pytest.approx(0.003))
    # DynamoDB: 2.5 KB is 3 write units of 1 KB: 30,000 x $0.625 / 1,000,000
    assert lines["target", "table orders", "item writes"] == (30_000, "dynamodb.writes", pytest.approx(0.01875))
    # egress: 3.025 GB x $0.12
    assert lines["source", "all data", "egress to the internet, GB"][1:] == ("gcs.egress.internet", pytest.approx(0.363))


def test_a_local_side_costs_nothing() -> None:
    down = _lines(copy_cost(SHOP, "azure", "local"))
    assert {side for side, _, _ in down} == {"source"}
    # Azure Table transactions: 10,000 x $0.00036 / 10,000; egress 3.025 GB x $0.087
    assert down["source", "table orders", "item reads"] == (10_000, "table.reads", pytest.approx(0.00036))
    assert down["source", "all data", "egress to the internet, GB"][1:] == (
        "bandwidth.egress.internet", pytest.approx(0.263175))
    up = _lines(copy_cost(SHOP, "local", "aws"))
    assert set(up) == {("target", "bucket files", "PUT requests"), ("target", "table orders", "item writes")}


def test_an_uncounted_source_is_named_not_priced() -> None:
    cost = copy_cost([ResourceMapping("bucket", "files", "a", "b")], "aws", "gcp")
    assert cost.lines == []
    assert cost.notes == ["bucket files: not priced, the source could not be counted"]
