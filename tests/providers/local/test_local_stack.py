"""LocalStack: every trigger reaches its handler through the neutral events and the shared dispatcher."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from portable.model import Http, Schedule, Stack
from portable.runtime import bucket, queue, table
from portable.runtime.errors import HandlerFailed, LinkError
from providers.local import scheduler
from tests.providers.local.conftest import Project

RECORDER = """
import json, os
from pathlib import Path


def record(event, ctx):
    kind = type(event).__name__
    data = {"kind": kind, "function": ctx.function_name, "trace": ctx.trace_id}
    if kind == "Message":
        data.update(body=event.text, attempt=event.delivery_attempt, source=event.source,
                    traceparent=event.attributes.get("traceparent"))
    elif kind == "ObjectEvent":
        data.update(bucket=event.bucket, key=event.key, action=event.action, size=event.size)
    elif kind == "ScheduleEvent":
        data.update(name=event.name)
    with open(os.environ["RECORD_FILE"], "a") as f:
        f.write(json.dumps(data) + "\\n")
"""


@pytest.fixture
def records(project: Project, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = project.root / "records.jsonl"
    monkeypatch.setenv("RECORD_FILE", str(path))
    project.write("recorder", RECORDER)
    return path


def _read(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_a_topic_fans_out_and_a_failing_subscriber_retries_alone(project: Project, records: Path) -> None:
    project.write("flaky", "def handle(message):\n    raise ValueError('always')\n")
    stack = Stack("fan")
    events = stack.topic("events")
    stack.function("good", handler="recorder:record", source="src", triggers=[events.trigger()])
    stack.function("bad", handler="flaky:handle", source="src", triggers=[events.trigger()])
    stack.function("pub", handler="recorder:record", source="src", links=[events.publish()])
    local = project.local(stack)
    with local.admin():
        from portable.runtime import topic

        topic("events").publish({"n": 1})
    local.drain()

    [delivered] = _read(records)
    assert delivered["function"] == "good" and delivered["body"] == '{"n":1}' and delivered["attempt"] == 1
    [dead] = local.dead_letters("topic:events:bad")
    assert dead.body == b'{"n":1}' and dead.receives == 5 and dead.error == "ValueError: always"
    assert local.dead_letters("topic:events:good") == []


def test_a_batch_retries_only_the_failed_message(project: Project, records: Path) -> None:
    project.write("picky", """
        from recorder import record

        def handle(message, ctx):
            if message.text == "3" and message.delivery_attempt == 1:
                raise ValueError("not yet")
            record(message, ctx)
    """)
    stack = Stack("batch")
    jobs = stack.queue("jobs")
    stack.function("worker", handler="picky:handle", source="src", triggers=[jobs.trigger(batch_size=5)])
    local = project.local(stack)
    for n in range(1, 6):
        local.state.queues.send("jobs", str(n).encode())
    local.drain()
    seen = [(r["body"], r["attempt"]) for r in _read(records)]
    assert sorted(seen) == [("1", 1), ("2", 1), ("3", 2), ("4", 1), ("5", 1)]


def test_object_events_follow_writes_and_deletes_through_the_filters(project: Project, records: Path) -> None:
    stack = Stack("objects")
    files = stack.bucket("files")
    stack.function("on-json", handler="recorder:record", source="src",
                   triggers=[files.on("created", "deleted", prefix="in/", suffix=".json")])
    stack.function("on-any", handler="recorder:record", source="src", triggers=[files.on_created()])
    local = project.local(stack)
    with local.admin():
        files_client = bucket("files")
        files_client.put("in/a.json", b"{}")
        files_client.put("in/b.txt", "text")
        files_client.put("out/c.json", b"[]")
        files_client.delete("in/a.json")
        files_client.delete("in/missing.json")  # nothing was there: no event
    assert local.state.queues.depth("object:files:on-json") == 2  # queued durably before anyone handles them
    local.drain()
    seen = sorted((r["function"], r["action"], r["key"], r["size"]) for r in _read(records))
    assert seen == [
        ("on-any", "created", "in/a.json", 2), ("on-any", "created", "in/b.txt", 4),
        ("on-any", "created", "out/c.json", 2),
        ("on-json", "created", "in/a.json", 2), ("on-json", "deleted", "in/a.json", None),
    ]


def test_a_schedule_runs_on_demand_in_process_and_over_http(project: Project, records: Path) -> None:
    stack = Stack("cron")
    stack.function("nightly", handler="recorder:record", source="src",
                   triggers=[Schedule.cron("0 3 * * *", timezone="Europe/Paris", name="nightly")])
    local = project.local(stack)
    local.run_schedule("nightly")
    response = local.http("POST", "/_portable/schedules/nightly")
    assert (response.status, response.data) == (200, {"schedule": "nightly", "outcome": "ok"})
    assert [r["name"] for r in _read(records)] == ["nightly", "nightly"]
    missing = local.http("POST", "/_portable/schedules/weekly")
    assert missing.status == 404
    assert missing.data == {"error": "Stack 'cron' has no schedule 'weekly'. Schedules: 'nightly'."}


def test_a_schedule_fires_on_its_own_when_due(project: Project, records: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import timedelta

    monkeypatch.setattr(scheduler, "next_time", lambda schedule, after: after + timedelta(seconds=0.2))
    stack = Stack("cron")
    stack.function("tick", handler="recorder:record", source="src", triggers=[Schedule.every(1, "minute")])
    project.local(stack).start()
    deadline = time.monotonic() + 5
    while len(_read(records)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [r["name"] for r in _read(records)][:2] == ["tick", "tick"]


def test_a_failing_schedule_raises_handler_failed(project: Project) -> None:
    project.write("broken", "def run(event):\n    raise OSError('disk full')\n")
    stack = Stack("cron")
    stack.function("nightly", handler="broken:run", source="src", triggers=[Schedule.cron("0 3 * * *")])
    with pytest.raises(HandlerFailed, match="OSError: disk full"):
        project.local(stack).run_schedule("nightly")


def test_tables_through_the_runtime_client(project: Project) -> None:
    stack = Stack("tables")
    stack.table("orders", key="customer", sort_key="order_id")
    local = project.local(stack)
    with local.admin():
        orders = table("orders")
        orders.put({"customer": "ada", "order_id": "2024-02", "total": 2})
        orders.put({"customer": "ada", "order_id": "2024-01", "total": 1})
        orders.put({"customer": "ada", "order_id": "2023-12", "total": 0})
        orders.put({"customer": "bob", "order_id": "2024-01", "total": 9})
        assert [o["order_id"] for o in orders.query("ada")] == ["2023-12", "2024-01", "2024-02"]
        assert [o["order_id"] for o in orders.query("ada", sort_prefix="2024")] == ["2024-01", "2024-02"]
        assert orders.get({"customer": "bob", "order_id": "2024-01"}) == {"customer": "bob", "order_id": "2024-01", "total": 9}
        from portable.runtime import ItemExists

        with pytest.raises(ItemExists, match="table 'orders' already has an item with key customer='ada', order_id='2024-01'"):
            orders.put({"customer": "ada", "order_id": "2024-01"}, if_not_exists=True)
        orders.delete({"customer": "ada", "order_id": "2024-01"})
        assert orders.get({"customer": "ada", "order_id": "2024-01"}) is None
        orders.put({"customer": "ada", "order_id": "2024-01"}, if_not_exists=True)


def test_links_are_enforced_for_local_functions(project: Project) -> None:
    project.write("sneaky", """
        from portable.runtime import bucket, queue

        def handle(request):
            if request.path == "/read":
                return {"keys": bucket("files").list()}
            if request.path == "/write":
                bucket("files").put("x", b"1")
            queue("jobs").send("hi")
    """)
    stack = Stack("links")
    files = stack.bucket("files")
    stack.queue("jobs")
    stack.function("api", handler="sneaky:handle", source="src", links=[files.read()],
                   triggers=[Http("GET", "/read"), Http("GET", "/write"), Http("GET", "/send")])
    local = project.local(stack)
    assert local.http("GET", "/read").data == {"keys": []}
    assert local.http("GET", "/write").status == 500
    assert local.http("GET", "/send").status == 500
    errors = [i.fields["error"] for i in local.feed.recent if i.outcome == "error"]
    assert errors == [
        "LinkError: Function 'api' links bucket 'files' with access 'read', which does not allow put(). "
        "Link files.write() or .read_write() instead.",
        "LinkError: Function 'api' has no link to queue 'jobs'. Linked: 'files' (bucket, read). "
        "Add jobs.send() to its links.",
    ]
    with pytest.raises(LinkError):
        queue("jobs")  # outside any function nothing is linked


def test_a_missing_secret_says_how_to_set_it_and_holds_the_message(
    project: Project, records: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.write("signer", """
        from portable.runtime import secret
        from recorder import record

        def handle(message, ctx):
            message.attributes["key"] = secret("api-key").value()
            record(message, ctx)
    """)
    monkeypatch.delenv("PORTABLE_SECRET_API_KEY", raising=False)
    stack = Stack("secrets")
    key = stack.secret("api-key")
    jobs = stack.queue("jobs", dead_letter_after=1)
    stack.function("worker", handler="signer:handle", source="src", links=[key.read()], triggers=[jobs.trigger()])
    local = project.local(stack).start()
    local.state.queues.send("jobs", b"held")
    deadline = time.monotonic() + 5
    while not local.feed.find(function="worker") and time.monotonic() < deadline:
        time.sleep(0.02)
    [failure] = local.feed.find(function="worker")
    secrets_file = project.root / ".portable" / "secrets.env"
    assert failure.fields["error"] == (
        "SecretMissing: Secret 'api-key' has no local value. Set it with `export PORTABLE_SECRET_API_KEY=...` "
        f"before `portable dev`, or add the line `PORTABLE_SECRET_API_KEY=...` to {secrets_file} (git-ignored)."
    )
    assert local.dead_letters("jobs") == [] and local.state.queues.depth("jobs") == 1  # held, not dead

    secrets_file.parent.mkdir(parents=True, exist_ok=True)
    secrets_file.write_text("# local only\nPORTABLE_SECRET_API_KEY=s3cret\n")
    local.drain(timeout=10)
    assert [r["body"] for r in _read(records)] == ["held"]


def test_a_trace_follows_a_request_through_a_queue_to_the_worker(project: Project, records: Path) -> None:
    project.write("front", """
        from portable.runtime import queue

        def handle(request, ctx):
            queue("jobs").send({"from": "api"})
            return {"trace": ctx.trace_id, "span": ctx.traceparent}
    """)
    stack = Stack("trace")
    jobs = stack.queue("jobs")
    stack.function("api", handler="front:handle", source="src", links=[jobs.send()], triggers=[Http("POST", "/")])
    stack.function("worker", handler="recorder:record", source="src", triggers=[jobs.trigger()])
    local = project.local(stack)
    incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    response = local.http("POST", "/", headers={"traceparent": incoming})
    local.drain()
    [worker] = _read(records)
    assert response.data["trace"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert worker["trace"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert worker["traceparent"] == response.data["span"]  # the API's own span is the worker's parent
    assert [i.trace_id for i in local.feed.recent] == ["4bf92f3577b34da6a3ce929d0e0e4736"] * 2


def test_handler_code_reloads_without_losing_queued_messages(project: Project, records: Path) -> None:
    project.write("versioned", "def handle(request):\n    return 'v1'\n")
    stack = Stack("reload")
    jobs = stack.queue("jobs")
    stack.function("api", handler="versioned:handle", source="src", triggers=[Http("GET", "/")])
    stack.function("worker", handler="recorder:record", source="src", triggers=[jobs.trigger()])
    local = project.local(stack).start(watch=True)
    assert local.http("GET", "/").body == b"v1"
    local.stop()
    local.state.queues.send("jobs", b"queued before the change")
    local.start(watch=True)
    assert local.http("GET", "/").body == b"v1"
    time.sleep(0.3)  # let the watcher settle
    project.write("versioned", "def handle(request):\n    return 'v2'\n")
    deadline = time.monotonic() + 10
    while local.http("GET", "/").body != b"v2" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert local.http("GET", "/").body == b"v2"
    local.drain()
    assert [r["body"] for r in _read(records)] == ["queued before the change"]


def test_state_survives_a_restart_and_reset_clears_it(project: Project) -> None:
    stack = Stack("durable")
    stack.bucket("files")
    stack.queue("jobs")
    local = project.local(stack)
    with local.admin():
        bucket("files").put("a.txt", b"kept")
        queue("jobs").send("kept")
    local.close()
    again = project.local(stack)
    with again.admin():
        assert bucket("files").get("a.txt") == b"kept"
    assert again.state.queues.depth("jobs") == 1
    assert (project.root / "state" / "buckets" / "files" / "a.txt").read_bytes() == b"kept"
    again.close()
    from providers.local.state import State

    State.reset(project.root / "state")
    assert not (project.root / "state").exists()


def test_an_unknown_function_is_named_with_the_choices(project: Project) -> None:
    stack = Stack("one")
    stack.function("api", handler="x:y", triggers=[Http("GET", "/")])
    from portable.errors import PortableError

    with pytest.raises(PortableError, match=r"^Stack 'one' has no function 'nope'. Functions: 'api'.$"):
        project.local(stack).function("nope")
