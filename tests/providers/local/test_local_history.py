"""The invocation history outlives ``portable dev``: a restart over one state folder keeps the dashboard's view."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from portable.loader import load_target
from providers.local.history import HISTORY_DB, History
from providers.local.stack import LocalStack

ROOT = Path(__file__).resolve().parents[3]
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def _orders(state: Path) -> LocalStack:
    loaded = load_target(str(ROOT / "examples" / "orders"))
    return LocalStack(loaded.stack, loaded.root, state, log_stream=None)


def test_invocations_and_traces_survive_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with _orders(state) as first:
        first.http("GET", "/orders/before-restart", headers={"traceparent": f"00-{TRACE}-00f067aa0ba902b7-01"})
        before = [(i.function, i.trace_id, i.fields["status"], i.at) for i in first.feed.recent]
        numbered = first.feed.last_event
    assert stat.S_IMODE((state / HISTORY_DB).stat().st_mode) == 0o600

    with _orders(state) as second:
        assert [(i.function, i.trace_id, i.fields["status"], i.at) for i in second.feed.recent] == before
        assert second.feed.last_event == numbered == 1
        page = second.http("GET", "/_portable/invocations").body.decode()
        assert TRACE[:8] in page and 'data-after="1"' in page
        trace = second.http("GET", f"/_portable/traces/{TRACE}").body.decode()
        assert "No invocation of this trace" not in trace and 'id="trace"' in trace
        second.http("GET", "/orders/after-restart")
        resumed = second.http("GET", "/_portable/events", headers={"last-event-id": "1"}).body.decode()
        assert resumed.startswith("retry: 200\nid: 2\nevent: invocation\ndata: {")
        assert json.loads(resumed.split("data: ", 1)[1].split("\n", 1)[0])["status"] == 404


def test_the_history_keeps_only_the_newest_events(tmp_path: Path) -> None:
    history = History(tmp_path, keep=3)
    for seq in range(1, 8):
        history.append((seq, "invocation", float(seq), f'{{"n":{seq}}}'))
    history.close()
    again = History(tmp_path, keep=3)
    assert [event[0] for event in again.last(10)] == [5, 6, 7]
    assert again.last(2) == [(6, "invocation", 6.0, '{"n":6}'), (7, "invocation", 7.0, '{"n":7}')]
    again.close()
