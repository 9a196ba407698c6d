"""One scenario, identical assertions: the orders example on every target that has a box.

Each test drives a box (tests/conformance/boxes) through the public surface a user sees: HTTP in,
objects and dead letters out, the platform's event delivery in between. Where a target really differs,
the difference is written once in ``DIFFERENCES`` (and in the README), never by loosening an assertion.

    PYTHONPATH=$PWD python -m pytest tests/conformance/test_orders.py -q
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conformance.boxes import SIGNING_KEY, Box
from tests.conformance.plans import ORDERS

TARGETS = ("local", "aws", "gcp")
DEAD_LETTER_AFTER = 5
"""examples/orders: ``stack.queue("receipt-jobs", dead_letter_after=5)``."""

TRACE_THROUGH_OBJECTS = "the trace id crosses an object event"
DEAD_LETTER_ATTRIBUTES = "a dead letter has exactly the attributes it was sent with"
DIFFERENCES: dict[str, dict[str, str]] = {
    # behaviour -> target -> what that target does instead; every other target does what the scenario asserts
    TRACE_THROUGH_OBJECTS: {
        "aws": "no: S3 notifications carry no trace context, so the object trigger (and the topic messages it "
               "publishes) start a new trace; the queue and topic hops keep theirs",
        "gcp": "no: Cloud Storage events (through Eventarc) carry no trace context of the writer, so the object "
               "trigger starts a new trace; the Pub/Sub hops keep theirs",
    },
    DEAD_LETTER_ATTRIBUTES: {
        "gcp": "Pub/Sub adds CloudPubSubDeadLetterSourceDeliveryCount, ...SourceSubscription, "
               "...SourceSubscriptionProject and ...SourceTopicPublishTime to the message's own attributes",
    },
}
OBSERVED_IN = {TRACE_THROUGH_OBJECTS: "the_worker_signs_the_receipt_and_one_trace_follows_the_order",
               DEAD_LETTER_ATTRIBUTES: "a_poison_message_is_retried_then_dead_lettered_intact"}
"""The test in which each difference shows (tests/conformance/report.py marks those cells)."""


def _open(target: str, tmp_path: Path, request: pytest.FixtureRequest) -> Box:
    if target == "local":
        from tests.conformance.boxes.local import LocalBox

        return LocalBox(ORDERS, tmp_path / "state")
    if target == "gcp":
        from tests.conformance.boxes.gcp import GcpBox

        return GcpBox(ORDERS, tmp_path, request.getfixturevalue("gcs_emulator"),
                      request.getfixturevalue("firestore_emulator"))
    from tests.conformance.boxes.aws import AwsBox

    return AwsBox(ORDERS, tmp_path, request.getfixturevalue("moto_server"))


@pytest.fixture(params=TARGETS)
def box(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Box]:
    opened = _open(request.param, tmp_path, request)
    try:
        yield opened
    finally:
        opened.close()


ORDER = {"customer": "ada", "items": [{"sku": "book", "price": 12.5, "quantity": 2}]}


def _create(box: Box) -> dict[str, Any]:
    answer = box.http("POST", "/orders", json.dumps(ORDER).encode(), {"content-type": "application/json"})
    assert answer.status == 201, f"{box.target}: POST /orders answered {answer.status} {answer.body!r}"
    order: dict[str, Any] = json.loads(answer.body)
    assert answer.headers.get("content-type") == "application/json", f"{box.target}: content-type {answer.headers}"
    assert answer.headers.get("location") == f"/orders/{order['order_id']}", f"{box.target}: location {answer.headers}"
    return order


def _of(box: Box, function: str) -> list[dict[str, Any]]:
    return [line for line in box.seen.log if line.get("function") == function]


def test_an_order_is_created_and_read_back(box: Box) -> None:
    order = _create(box)
    assert {k: order[k] for k in ("customer", "total", "status")} == {"customer": "ada", "total": 25.0,
                                                                       "status": "received"}, box.target
    answer = box.http("GET", f"/orders/{order['order_id']}")
    assert (answer.status, json.loads(answer.body)) == (200, order), f"{box.target}: read back differs"
    missing = box.http("GET", "/orders/nope")
    assert (missing.status, json.loads(missing.body)) == (404, {"error": "no order nope"}), box.target


def test_a_malformed_order_is_a_400_with_the_same_body(box: Box) -> None:
    answer = box.http("POST", "/orders", b'{"items": []}', {"content-type": "application/json"})
    assert (answer.status, json.loads(answer.body)) == (400, {"error": "an order needs a non-empty 'items' list"}), \
        f"{box.target}: malformed order"
    broken = box.http("POST", "/orders", b"{not json", {"content-type": "application/json"})
    assert broken.status == 400, f"{box.target}: a body that is not JSON answered {broken.status} {broken.body!r}"


def test_the_worker_signs_the_receipt_and_one_trace_follows_the_order(box: Box) -> None:
    order = _create(box)
    box.pump()
    key = f"receipts/{order['order_id']}.json"
    stored = box.get_object("receipts", key)
    assert stored is not None, f"{box.target}: the worker wrote no receipt {key}"
    receipt = json.loads(stored)
    unsigned = json.dumps({k: receipt[k] for k in ("customer", "order_id", "total")}, sort_keys=True).encode()
    assert receipt["signature"] == hmac.new(SIGNING_KEY.encode(), unsigned, hashlib.sha256).hexdigest(), box.target
    answer = box.http("GET", f"/orders/{order['order_id']}")
    assert json.loads(answer.body)["status"] == "receipted", f"{box.target}: the worker did not mark the order"

    # the object trigger fired with the portable bucket name and the key; the topic reached audit-log
    audits = [json.loads(line) for line in box.seen.printed if line.startswith('{"audit"')]
    assert [a["audit"] for a in audits] == [{"type": "receipt.created", "bucket": "receipts", "key": key}], \
        f"{box.target}: audit lines {audits}"

    # one trace id from the HTTP request through the queue, the object event and the topic
    [created] = [line for line in _of(box, "api") if line.get("status") == 201]
    traces = {f: {line["trace_id"] for line in _of(box, f)} for f in ("receipt-worker", "receipt-indexer", "audit-log")}
    after_object = created["trace_id"]
    if box.target in DIFFERENCES[TRACE_THROUGH_OBJECTS]:
        [after_object] = traces["receipt-indexer"]
        assert after_object != created["trace_id"], f"{box.target}: update DIFFERENCES[{TRACE_THROUGH_OBJECTS!r}]"
    expected = {"receipt-worker": {created["trace_id"]}, "receipt-indexer": {after_object}, "audit-log": {after_object}}
    assert traces == expected, f"{box.target}: trace ids {traces}, the request's {created['trace_id']}"
    assert audits[0]["trace"].split("-")[1] == after_object, box.target


def test_an_object_key_with_unicode_and_plus_arrives_decoded(box: Box) -> None:
    key = "receipts/caf\u00e9 +1 % x.json"
    box.put_object("receipts", key, b"{}")
    box.pump()
    audits = [json.loads(line)["audit"] for line in box.seen.printed if line.startswith('{"audit"')]
    assert audits == [{"type": "receipt.created", "bucket": "receipts", "key": key}], f"{box.target}: {audits}"


def test_the_nightly_schedule_runs(box: Box) -> None:
    _create(box)
    box.pump()
    box.run_schedule("nightly-report")
    day = datetime.now(UTC).date().isoformat()
    report = box.get_object("receipts", f"reports/{day}.json")
    assert report is not None and json.loads(report) == {"day": day, "receipts": 1}, f"{box.target}: report {report!r}"


def test_a_poison_message_is_retried_then_dead_lettered_intact(box: Box) -> None:
    body, attributes = b'{"order_id": "no-such-order"}', {"origin": "conformance", "note": "caf\u00e9"}
    box.send("receipt-jobs", body, attributes)
    box.pump()
    failures = [line for line in _of(box, "receipt-worker") if line.get("outcome") != "ok"]
    assert len(failures) == DEAD_LETTER_AFTER, f"{box.target}: {len(failures)} deliveries, not {DEAD_LETTER_AFTER}"
    [(dead_body, dead_attributes)] = box.dead_letters("receipt-jobs")
    added = {k: v for k, v in dead_attributes.items() if k not in attributes}
    if box.target in DIFFERENCES[DEAD_LETTER_ATTRIBUTES]:
        assert sorted(added) == ["CloudPubSubDeadLetterSourceDeliveryCount", "CloudPubSubDeadLetterSourceSubscription",
                                 "CloudPubSubDeadLetterSourceSubscriptionProject",
                                 "CloudPubSubDeadLetterSourceTopicPublishTime"], f"{box.target}: {added}"
        assert added["CloudPubSubDeadLetterSourceDeliveryCount"] == str(DEAD_LETTER_AFTER), box.target
    else:
        assert added == {}, f"{box.target}: the dead letter gained attributes {added}"
    assert (dead_body, {k: dead_attributes[k] for k in attributes}) == (body, attributes), \
        f"{box.target}: dead letter differs: {dead_body!r} {dead_attributes}"
