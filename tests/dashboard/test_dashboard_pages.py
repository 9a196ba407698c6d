"""The dashboard's endpoints without a browser: server-sent events, actions and their errors."""

from __future__ import annotations

import json
from pathlib import Path

from portable.loader import load_target
from providers.local.stack import LocalStack

ROOT = Path(__file__).resolve().parents[2]


def _orders(tmp_path: Path) -> LocalStack:
    loaded = load_target(str(ROOT / "examples" / "orders"))
    return LocalStack(loaded.stack, loaded.root, tmp_path / "state", log_stream=None)


def test_server_sent_events_resume_after_the_last_event_id(tmp_path: Path) -> None:
    with _orders(tmp_path) as local:
        local.http("GET", "/orders/one")
        local.http("GET", "/orders/two")
        stream = local.http("GET", "/_portable/events", query="after=0")
        assert stream.headers["content-type"] == "text/event-stream"
        events = stream.body.decode().split("\n\n")
        assert events[0].startswith("retry: 200\nid: 1\nevent: invocation\ndata: {")
        assert json.loads(events[0].split("data: ", 1)[1])["status"] == 404
        again = local.http("GET", "/_portable/events", headers={"last-event-id": "1"}).body.decode()
        assert again.startswith("retry: 200\nid: 2\nevent: invocation\n") and "id: 1\n" not in again


def test_queue_actions_and_their_errors(tmp_path: Path) -> None:
    with _orders(tmp_path) as local:
        sent = local.http("POST", "/_portable/queues/receipt-jobs/send", body='{"order_id": "x"}')
        assert sent.status == 201 and local.state.queues.depth("receipt-jobs") == 1
        unknown = local.http("POST", "/_portable/queues/nope/send", body="x")
        assert (unknown.status, json.loads(unknown.body)) == (404, {"error": "no queue 'nope' feeds a function"})
        vague = local.http("POST", "/_portable/queues/receipt-jobs/redrive", body="{}")
        assert (vague.status, json.loads(vague.body)) == (
            400, {"error": "Say which dead letters to redrive: their message ids, or --all"})
        bad_key = local.http("GET", "/_portable/buckets/receipts/object", query="key=../tables.sqlite3")
        assert bad_key.status == 400 and "'..' segment" in json.loads(bad_key.body)["error"]


def test_the_state_view_survives_a_restart(tmp_path: Path) -> None:
    from tests.providers.local.conftest import FAST

    loaded = load_target(str(ROOT / "examples" / "orders"))
    first = LocalStack(loaded.stack, loaded.root, tmp_path / "state", log_stream=None, backoff=FAST)
    message_id = first.state.queues.send("receipt-jobs", b'{"order_id": "ghost"}')
    first.drain(timeout=20)
    first.close()
    with LocalStack(loaded.stack, loaded.root, tmp_path / "state", log_stream=None) as again:
        page = again.http("GET", "/_portable/queues/receipt-jobs").body.decode()
        listing = again.http("GET", "/_portable/queues").body.decode()
    assert message_id in page and "LookupError: order ghost not found" in page
    assert "<td>receipt-jobs</td>" not in listing and ">receipt-jobs</a></td>" in listing
    assert listing.split(">receipt-jobs</a></td>", 1)[1].split("</tr>", 1)[0].endswith("<td>1</td>")


def test_the_http_explorer_marks_private_routes(tmp_path: Path) -> None:
    from portable.model import Http, Stack

    stack = Stack("marks")
    stack.function("api", handler="api:handle", triggers=[Http("POST", "/things"), Http("GET", "/open", public=True)])
    with LocalStack(stack, tmp_path, log_stream=None) as local:
        page = local.http("GET", "/_portable/http").body.decode()
    headings = [h.split("</h2>", 1)[0] for h in page.split("<h2>")[1:]]
    assert headings == [
        'POST /things <span class="muted">→ api</span> <span class="private">private: not authenticated locally</span>',
        'GET /open <span class="muted">→ api</span>',
    ]
