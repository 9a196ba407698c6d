"""``portable invoke`` (neutral event files and the clouds' own payloads) and ``portable dev --reset``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from portable.cli import app

FIXTURES = Path(__file__).resolve().parents[4] / "shared" / "fixtures" / "events"

STACK = """
from portable import Http, Schedule, Stack

stack = Stack("cli")
files = stack.bucket("files")
jobs = stack.queue("jobs")
stack.function("api", handler="show:http", triggers=[Http("POST", "/things/{thing}")], links=[jobs.send()])
stack.function("worker", handler="show:event", triggers=[jobs.trigger()])
stack.function("indexer", handler="show:event", triggers=[files.on_created()])
stack.function("nightly", handler="show:event", triggers=[Schedule.cron("0 3 * * *", name="nightly")])
"""

SHOW = """
from portable.runtime import HttpResponse, Message, ObjectEvent, queue

def http(request):
    queue("jobs").send({"thing": request.path_params["thing"]})
    return HttpResponse.json({"thing": request.path_params["thing"], "body": request.json()}, status=202)

def event(event):
    if isinstance(event, Message):
        kind, detail = "Message", event.text
    elif isinstance(event, ObjectEvent):
        kind, detail = "ObjectEvent", f"{event.bucket}/{event.key} {event.action}"
    else:
        kind, detail = "ScheduleEvent", event.name
    if detail == "fail":
        raise ValueError("asked to fail")
    print(f"{kind}: {detail}")
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "stack.py").write_text(textwrap.dedent(STACK))
    (tmp_path / "show.py").write_text(textwrap.dedent(SHOW))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["invoke", ".", *args])
    return result.exit_code, result.stdout, result.stderr


def _event(tmp_path: Path, payload: object) -> str:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload))
    return str(path)


def test_a_neutral_http_event_prints_the_response_and_leaves_work_queued(project: Path) -> None:
    event = _event(project, {"http": {"method": "POST", "path": "/things/lamp", "body": {"color": "red"}}})
    code, out, _ = _invoke("api", "--event", event)
    assert code == 0
    assert out.splitlines()[0] == "HTTP 202"
    assert json.loads(out.split("\n\n", 1)[1]) == {"thing": "lamp", "body": {"color": "red"}}
    from providers.local.queues import QueueStore

    store = QueueStore(project / ".portable" / "state" / "queues.sqlite3")
    assert [m.body for m in store.receive("jobs")] == [b'{"thing":"lamp"}']  # there for `portable dev`
    store.close()


def test_a_neutral_message_event_runs_the_worker(project: Path) -> None:
    code, out, _ = _invoke("worker", "--event", _event(project, {"message": {"body": "hello"}}))
    assert code == 0 and "Message: hello" in out and "OK: worker handled Message" in out


def test_a_failing_handler_exits_1_and_says_why(project: Path) -> None:
    code, out, _ = _invoke("worker", "--event", _event(project, {"message": {"body": "fail"}}))
    assert code == 1
    assert "Failed: Function 'worker' failed on a message event: ValueError: asked to fail" in out


def test_an_sqs_batch_from_lambda_runs_once_per_record(project: Path) -> None:
    code, out, _ = _invoke("worker", "--event", str(FIXTURES / "aws" / "sqs-batch-two-records.json"))
    assert code == 0
    assert "Message: Test message." in out and 'Message: {"message": "foo1"}' in out


def test_an_s3_notification_becomes_an_object_event(project: Path) -> None:
    code, out, _ = _invoke("indexer", "--event", str(FIXTURES / "aws" / "s3-object-created-put.json"))
    assert code == 0 and "ObjectEvent: lambda-artifacts-deafc19498e3f2df/b21b84d653bb07b05b1e6b33684dc11b created" in out


def test_a_cloud_storage_cloudevent_becomes_an_object_event(project: Path) -> None:
    code, out, _ = _invoke("indexer", "--event", str(FIXTURES / "gcp" / "eventarc-storage-finalized-structured.json"))
    assert code == 0 and "ObjectEvent: some-bucket/folder/Test.cs created" in out


def test_a_schedule_function_needs_no_event(project: Path) -> None:
    code, out, _ = _invoke("nightly")
    assert code == 0 and "ScheduleEvent: nightly" in out


def test_a_missing_event_is_explained(project: Path) -> None:
    code, _, err = _invoke("worker")
    assert code == 1
    assert err.splitlines()[0] == "Error: Function 'worker' needs an event: pass --event FILE"
    assert err.splitlines()[1].startswith('Hint: A neutral event file looks like {"http": ')


def test_an_unknown_event_shape_is_explained(project: Path) -> None:
    code, _, err = _invoke("worker", "--event", _event(project, {"hello": 1, "world": 2}))
    assert code == 1
    assert err.splitlines()[0] == (
        "Error: The event is neither a neutral event file nor a payload of a known cloud (top-level keys: hello, world)"
    )


def test_an_unknown_function_lists_the_functions(project: Path) -> None:
    code, _, err = _invoke("nope", "--event", _event(project, {"message": {"body": "x"}}))
    assert code == 1
    assert err.splitlines()[0] == "Error: Stack 'cli' has no function 'nope'. Functions: 'api', 'worker', 'indexer', 'nightly'."


def test_dev_reset_clears_the_state_then_serves(project: Path) -> None:
    state = project / ".portable" / "state"
    state.mkdir(parents=True)
    (state / "leftover").write_text("x")
    portable = Path(sys.executable).parent / "portable"
    process = subprocess.Popen([str(portable), "dev", ".", "--port", "0", "--reset", "--no-reload"], cwd=project,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        lines = [process.stdout.readline() for _ in range(3)]  # type: ignore[union-attr]
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert lines[0].strip() == f"Cleared the local state in {state}"
    assert lines[2].startswith("  POST   http://127.0.0.1:")
    assert not (state / "leftover").exists() and (state / "queues.sqlite3").exists()
    assert process.returncode == 0, err
    assert out.splitlines()[-1] == "Stopped. Queued messages and data are kept in the state folder."
