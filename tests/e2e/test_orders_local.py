"""The README's first command, end to end: ``portable dev examples/orders`` over real HTTP on 127.0.0.1.

An order is created (POST /orders); the queue worker signs a receipt into the bucket; the receipt's
object trigger runs the indexer, which publishes to the order-events topic; the audit-log subscriber
receives it; the nightly schedule runs on demand and writes its report.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "orders"
KEY = "e2e-signing-key"


def _request(method: str, url: str, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _eventually(check: Any, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


class DevServer:
    """``portable dev`` in a subprocess; ``lines`` collects its stdout."""

    def __init__(self, state: Path) -> None:
        env = {**os.environ, "PORTABLE_SECRET_RECEIPT_SIGNING_KEY": KEY, "PYTHONUNBUFFERED": "1"}
        portable = Path(sys.executable).parent / "portable"
        command = [str(portable)] if portable.exists() else [sys.executable, "-m", "portable.cli"]
        self.process = subprocess.Popen(
            [*command, "dev", str(EXAMPLE), "--port", "0", "--state", str(state), "--no-reload"],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.lines: list[str] = []
        self.log: list[dict[str, Any]] = []
        threading.Thread(target=self._collect, args=(self.process.stdout, self.lines), daemon=True).start()
        threading.Thread(target=self._collect_log, daemon=True).start()
        banner = _eventually(lambda: next((line for line in self.lines if "http://127.0.0.1:" in line), None))
        match = re.search(r"http://127\.0\.0\.1:(\d+)", banner)
        assert match, banner
        self.url = f"http://127.0.0.1:{match.group(1)}"

    @staticmethod
    def _collect(stream: Any, into: list[str]) -> None:
        for line in stream:
            into.append(line.rstrip("\n"))

    def _collect_log(self) -> None:
        for line in self.process.stderr:  # type: ignore[union-attr]
            if line.startswith("{"):
                self.log.append(json.loads(line))

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(15)
        finally:
            self.process.kill()


@pytest.fixture
def dev(tmp_path: Path) -> Iterator[DevServer]:
    server = DevServer(tmp_path / "state")
    yield server
    server.stop()


def test_portable_dev_serves_the_orders_example_end_to_end(dev: DevServer, tmp_path: Path) -> None:
    _eventually(lambda: any(line.strip().startswith(f"curl -i -X POST {dev.url}/orders") for line in dev.lines))
    status, order = _request("POST", f"{dev.url}/orders", {"customer": "ada", "items": [{"sku": "book", "price": 12.5, "quantity": 2}]})
    assert status == 201 and order["total"] == 25.0 and order["status"] == "received"
    order_id = order["order_id"]

    # the queue worker signs a receipt into the bucket and marks the order
    _eventually(lambda: _request("GET", f"{dev.url}/orders/{order_id}")[1]["status"] == "receipted")
    receipt_file = tmp_path / "state" / "buckets" / "receipts" / "receipts" / f"{order_id}.json"
    receipt = json.loads(receipt_file.read_text())
    unsigned = json.dumps({k: receipt[k] for k in ("customer", "order_id", "total")}, sort_keys=True).encode()
    assert receipt["signature"] == hmac.new(KEY.encode(), unsigned, hashlib.sha256).hexdigest()

    # the object trigger fires: the indexer publishes on order-events, and audit-log receives it
    audit = _eventually(lambda: next((json.loads(line) for line in dev.lines if line.startswith('{"audit"')), None))
    assert audit["audit"] == {"type": "receipt.created", "bucket": "receipts", "key": f"receipts/{order_id}.json"}
    expected = {"api", "receipt-worker", "receipt-indexer", "audit-log"}
    _eventually(lambda: {e["function"] for e in dev.log} >= expected)
    # one trace from the HTTP request that created the order to the audit line
    created = next(e for e in dev.log if e["function"] == "api" and e.get("status") == 201)
    assert {e["trace_id"] for e in dev.log if e["function"] in expected - {"api"}} == {created["trace_id"]}
    assert audit["trace"].split("-")[1] == created["trace_id"]

    # the nightly schedule, on demand
    status, result = _request("POST", f"{dev.url}/_portable/schedules/nightly-report")
    assert (status, result) == (200, {"schedule": "nightly-report", "outcome": "ok"})
    [report] = (tmp_path / "state" / "buckets" / "receipts" / "reports").iterdir()
    assert json.loads(report.read_text())["receipts"] == 1

    # unknown orders and bad input are the API's own answers
    assert _request("GET", f"{dev.url}/orders/nope")[0] == 404
    assert _request("POST", f"{dev.url}/orders", {"items": []})[0] == 400
    assert all(e["outcome"] == "ok" for e in dev.log)
    assert dev.stop() == 0
    assert dev.lines[-1] == "Stopped. Queued messages and data are kept in the state folder."
