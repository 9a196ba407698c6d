"""The same semantics as the clouds: the visibility timeout rule, enforced function timeouts, no catch-up
of missed schedules, an object write and its event as one durable step, functions' modules isolated."""

from __future__ import annotations

import io
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from portable.model import Schedule, Stack
from providers.local import config, scheduler
from tests.providers.local.conftest import Project

SLOW = """
import json, os, time

def handle(message):
    with open(os.environ["SEM_RECORD"], "a") as f:
        f.write(json.dumps({"start": message.delivery_attempt}) + "\\n")
    if message.delivery_attempt <= int(os.environ.get("SEM_SLOW_ATTEMPTS", "99")):
        time.sleep(float(os.environ["SEM_SLEEP"]))
    with open(os.environ["SEM_RECORD"], "a") as f:
        f.write(json.dumps({"end": message.delivery_attempt}) + "\\n")
"""


@pytest.fixture
def record(project: Project, monkeypatch: pytest.MonkeyPatch) -> Path:
    project.write("slow", SLOW)
    path = project.root / "record.jsonl"
    monkeypatch.setenv("SEM_RECORD", str(path))
    return path


def _read(path: Path) -> list[dict[str, int]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _wait(condition, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def test_the_visibility_timeout_is_six_times_the_consumers_timeout_as_on_the_clouds(
    project: Project, record: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEM_SLEEP", "1.6")
    stack = Stack("sem")
    jobs = stack.queue("jobs", visibility_timeout=1)
    stack.function("worker", handler="slow:handle", source="src", timeout=2,
                   triggers=[jobs.trigger(batch_size=1, max_concurrency=2)])
    [subscription] = config.subscriptions(stack)
    assert subscription.visibility_timeout == stack.visibility_timeout("jobs") == 12
    local = project.local(stack).start()
    local.state.queues.send("jobs", b"slow")
    _wait(lambda: {"end": 1} in _read(record))
    local.drain(timeout=10)
    time.sleep(0.3)  # a redelivery after the queue's raw 1 s would have started by now
    assert _read(record) == [{"start": 1}, {"end": 1}]  # once: not again in parallel, not dead-lettered
    assert local.dead_letters("jobs") == []


def test_a_handler_past_the_functions_timeout_fails_and_its_message_is_retried(
    project: Project, record: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEM_SLEEP", "2.5")
    monkeypatch.setenv("SEM_SLOW_ATTEMPTS", "1")
    stack = Stack("sem")
    jobs = stack.queue("jobs")
    stack.function("worker", handler="slow:handle", source="src", timeout=1,
                   triggers=[jobs.trigger(batch_size=1, max_concurrency=1)])
    local = project.local(stack, log_stream=io.StringIO()).start()
    message_id = local.state.queues.send("jobs", b"late once")
    _wait(lambda: {"end": 2} in _read(record))  # the retry ran while the first attempt still slept
    assert _read(record) == [{"start": 1}, {"start": 2}, {"end": 2}]
    [timeout] = local.feed.find(outcome="timeout")
    assert (timeout.function, timeout.trigger, timeout.fields["message_id"]) == ("worker", "queue", message_id)
    assert timeout.fields["error"] == "FunctionTimeout: function 'worker' did not finish within 1 s"
    _wait(lambda: {"end": 1} in _read(record))
    local.drain(timeout=5)
    assert local.state.queues.depth("jobs") == 0 and local.dead_letters("jobs") == []


def test_a_handler_always_past_its_timeout_ends_in_the_dead_letters(
    project: Project, record: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEM_SLEEP", "1.5")
    stack = Stack("sem")
    jobs = stack.queue("jobs", dead_letter_after=2)
    stack.function("worker", handler="slow:handle", source="src", timeout=1,
                   triggers=[jobs.trigger(batch_size=1, max_concurrency=1)])
    local = project.local(stack).start()
    local.state.queues.send("jobs", b"always late")
    _wait(lambda: local.dead_letters("jobs") != [])
    [dead] = local.dead_letters("jobs")
    assert (dead.receives, dead.error) == (2, "FunctionTimeout: function 'worker' did not finish within 1 s")


def test_missed_schedules_are_not_made_up_as_on_the_clouds() -> None:
    fired: list[datetime] = []
    every_minute = scheduler.Entry("tick", "f", Schedule.every(1, "minutes"))
    started = datetime.now(UTC)
    runner = scheduler.Scheduler([every_minute], lambda entry, due: fired.append(due))
    runner.start()  # dozens of runs were "missed" before this start: none is made up
    try:
        time.sleep(0.3)
    finally:
        runner.stop()
    assert fired == []
    assert started < runner.upcoming["tick"] <= started + timedelta(minutes=1)


CRASHING_WRITER = """
import os, sys
sys.path.insert(0, {root!r})
from pathlib import Path
from portable.runtime import bucket
from providers.local.stack import LocalStack
from tests.providers.local.test_local_semantics import object_stack

real_replace = os.replace

def crash(src, dst):
    if {after_move!r}:
        real_replace(src, dst)
    os._exit(9)  # the process dies between the object write and its event, or just before the move

local = LocalStack(object_stack(), Path({project!r}), Path({state!r}), log_stream=None)
with local.admin():
    os.replace = crash
    bucket("files").put("in/report.txt", b"quarterly")
"""

INDEXER = """
import os

def index(event):
    with open(os.environ["SEM_RECORD"], "a") as f:
        f.write(f"{event.action} {event.key} {event.size}\\n")
"""


def object_stack() -> Stack:
    stack = Stack("sem")
    files = stack.bucket("files")
    stack.function("indexer", handler="indexer:index", source="src", triggers=[files.on_created(prefix="in/")])
    return stack


@pytest.mark.parametrize("after_move", [True, False], ids=["crash-after-the-move", "crash-before-the-move"])
def test_an_object_write_and_its_event_survive_a_crash_together(
    project: Project, monkeypatch: pytest.MonkeyPatch, after_move: bool
) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[3]
    project.write("indexer", INDEXER)
    record = project.root / "record.txt"
    monkeypatch.setenv("SEM_RECORD", str(record))
    state = project.root / "state"
    child = subprocess.run(
        [sys.executable, "-c", CRASHING_WRITER.format(root=str(root), project=str(project.root), state=str(state),
                                                        after_move=after_move)],
        cwd=root, capture_output=True, text=True, timeout=60,
    )
    assert child.returncode == 9, child.stderr
    local = project.local(object_stack())  # opening the state again finishes the journaled write
    local.drain(timeout=10)
    with local.admin():
        from portable.runtime import bucket

        assert bucket("files").get("in/report.txt") == b"quarterly"
    assert record.read_text() == "created in/report.txt 9\n"
    assert not list((state / "buckets" / ".tmp").iterdir())


def test_functions_whose_folders_hold_modules_of_the_same_name_each_get_their_own(project: Project) -> None:
    for folder in ("billing", "shipping"):
        project.write(f"{folder}/handlers", "import helpers\n\ndef handle(request):\n    return helpers.WHO\n")
        project.write(f"{folder}/helpers", f"WHO = {folder!r}\n")
    stack = Stack("sem")
    from portable.model import Http

    stack.function("billing", handler="handlers:handle", source="src/billing", triggers=[Http("GET", "/billing")])
    stack.function("shipping", handler="handlers:handle", source="src/shipping", triggers=[Http("GET", "/shipping")])
    local = project.local(stack)
    for _ in range(2):
        assert local.http("GET", "/billing").body == b"billing"
        assert local.http("GET", "/shipping").body == b"shipping"
    local.reload()
    assert local.http("GET", "/shipping").body == b"shipping"
    assert local.http("GET", "/billing").body == b"billing"


def test_an_http_request_past_the_functions_timeout_gets_504(project: Project) -> None:
    import http.client

    from portable.model import Http

    project.write("sleepy", "import time\n\ndef handle(request):\n    time.sleep(float(request.query.get('s')))\n"
                            "    return 'awake'\n")
    stack = Stack("sem")
    stack.function("sleepy", handler="sleepy:handle", source="src", timeout=1, triggers=[Http("GET", "/sleep")])
    local = project.local(stack, log_stream=io.StringIO()).start(serve=True)
    port = int(local.url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/sleep?s=0")
    assert connection.getresponse().read() == b"awake"
    started = time.monotonic()
    connection.request("GET", "/sleep?s=2", headers={"traceparent": "00-" + "ab" * 16 + "-" + "cd" * 8 + "-01"})
    response = connection.getresponse()
    assert (response.status, response.read()) == (
        504, b"504 Gateway Timeout: FunctionTimeout: function 'sleepy' did not finish within 1 s\n")
    assert 0.9 < time.monotonic() - started < 1.95
    deadline = time.monotonic() + 10  # the server thread logs the line just after it answers
    while not local.feed.find(outcome="timeout") and time.monotonic() < deadline:
        time.sleep(0.02)
    [timeout] = local.feed.find(outcome="timeout")
    assert (timeout.function, timeout.trigger, timeout.trace_id, timeout.fields["status"]) == ("sleepy", "http", "ab" * 16, 504)
