"""Dead letters people can see and act on: the log and console say so, and `portable dead-letters` lists,
shows, redrives and purges them, with `portable dev` stopped or running."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from portable.cli import app
from portable.loader import load_target
from providers.local.console import DevConsole
from providers.local.stack import LocalStack
from tests.providers.local.conftest import FAST

STACK = """
from portable import Stack

stack = Stack("dl")
jobs = stack.queue("jobs", dead_letter_after=2)
spare = stack.queue("spare")
stack.function("worker", handler="work:handle", triggers=[jobs.trigger()])
stack.function("spare-worker", handler="work:handle", triggers=[spare.trigger()])
"""

WORK = """
import os
from pathlib import Path

def handle(message):
    if message.text.startswith("poison") and not Path(os.environ["DL_FIXED"]).exists():
        raise ValueError(f"cannot digest {message.text}")
    (Path(os.environ["DL_DONE"]) / message.text).write_text(message.source)
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "stack.py").write_text(textwrap.dedent(STACK))
    (tmp_path / "work.py").write_text(textwrap.dedent(WORK))
    (tmp_path / "done").mkdir()
    monkeypatch.setenv("DL_FIXED", str(tmp_path / "fixed"))
    monkeypatch.setenv("DL_DONE", str(tmp_path / "done"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _poison(project: Path, *bodies: str, log: io.StringIO | None = None) -> list[str]:
    """Send ``bodies`` to ``jobs`` and let the worker fail them into the dead letters; their ids."""
    local = LocalStack(load_target(str(project)).stack, project, log_stream=log, backoff=FAST)
    try:
        ids = [local.state.queues.send("jobs", body.encode(), {"tenant": "acme"}) for body in bodies]
        local.drain(timeout=20)
    finally:
        local.close()
    return ids


def _cli(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["dead-letters", ".", *args], input=input)
    return result.exit_code, result.stdout, result.stderr


def test_the_log_says_once_that_a_message_was_dead_lettered(project: Path) -> None:
    log = io.StringIO()
    [message_id] = _poison(project, "poison-1", log=log)
    lines = [json.loads(line) for line in log.getvalue().splitlines()]
    failures = [line for line in lines if line["message"] == "invocation"]
    assert [line["outcome"] for line in failures] == ["error", "error"]
    assert [line for line in lines if line["message"] == "dead-lettered"] == [{
        "severity": "WARNING", "message": "dead-lettered", "queue": "jobs", "message_id": message_id, "receives": 2,
        "error": "ValueError: cannot digest poison-1",
    }]


def test_the_console_prints_a_dead_letter_notice(project: Path) -> None:
    out = io.StringIO()
    local = LocalStack(load_target(str(project)).stack, project, log_stream=None, backoff=FAST)
    try:
        view = DevConsole(local, Console(file=out, width=300), stop=None)  # type: ignore[arg-type]
        local.feed.subscribe_dead_letters(view.on_dead_letter)
        message_id = local.state.queues.send("jobs", b"poison-2")
        local.drain(timeout=20)
    finally:
        local.close()
    assert out.getvalue() == (
        f"✗ dead-lettered: queue jobs, message {message_id}, received 2 times, last error: ValueError: cannot digest "
        "poison-2. See `portable dead-letters TARGET jobs`\n"
    )


def test_list_shows_every_queue_then_the_letters_of_one(project: Path) -> None:
    first, second = _poison(project, "poison-a", "poison-b")
    code, out, _ = _cli("--json")
    assert code == 0
    assert json.loads(out) == [
        {"queue": "jobs", "kind": "queue", "source": "jobs", "function": "worker", "dead_letters": 2},
        {"queue": "spare", "kind": "queue", "source": "spare", "function": "spare-worker", "dead_letters": 0},
    ]
    code, out, _ = _cli("jobs", "--json")
    letters = json.loads(out)
    assert [(d["id"], d["body"], d["attributes"], d["receives"], d["error"]) for d in letters] == [
        (first, "poison-a", {"tenant": "acme"}, 2, "ValueError: cannot digest poison-a"),
        (second, "poison-b", {"tenant": "acme"}, 2, "ValueError: cannot digest poison-b"),
    ]
    code, out, _ = _cli("jobs")
    assert code == 0
    row = next(line for line in out.splitlines() if first in line)
    assert "ValueError: cannot digest poison-a" in row and "tenant=acme" in row and row.rstrip().endswith("poison-a")
    code, out, _ = _cli("jobs", "show", second)
    assert code == 0
    assert out.splitlines()[:4] == [f"id: {second}", "queue: jobs", "receives: 2", "error: ValueError: cannot digest poison-b"]
    assert out.splitlines()[6:8] == ['attributes: {"tenant": "acme"}', "body:"]
    assert out.splitlines()[8] == "poison-b"


def test_a_wrong_queue_or_id_is_explained(project: Path) -> None:
    _poison(project, "poison-a")
    code, _, err = _cli("nope")
    assert code == 1
    assert err.splitlines()[0] == "Error: Stack 'dl' has no queue 'nope' feeding a function. Queues: 'jobs', 'spare'."
    code, _, err = _cli("jobs", "show", "abc")
    assert (code, err.splitlines()[0]) == (1, "Error: Queue 'jobs' has no dead letter with message id abc")
    code, _, err = _cli("jobs", "redrive")
    assert (code, err.splitlines()[0]) == (2, "Error: Say which dead letters to redrive: their message ids, or --all")
    code, _, err = _cli("jobs", "fix")
    assert (code, err.splitlines()[0]) == (2, "Error: Action 'fix' is not one of: list, show, redrive, purge")


def _drain(project: Path) -> None:
    local = LocalStack(load_target(str(project)).stack, project, log_stream=None, backoff=FAST)
    try:
        local.drain(timeout=20)
    finally:
        local.close()


def test_redrive_one_some_all_and_onto_another_queue(project: Path) -> None:
    ids = _poison(project, "poison-1", "poison-2", "poison-3", "poison-4")
    (project / "fixed").write_text("")
    assert _cli("jobs", "redrive", ids[0]) == (0, "Redrove 1 message(s) onto jobs.\n", "")
    code, out, _ = _cli("jobs", "redrive", ids[1], ids[2], "--to", "spare", "--json")
    assert (code, json.loads(out)) == (0, {"redriven": 2, "to": "spare"})
    _drain(project)
    done = project / "done"
    assert {p.name: p.read_text() for p in done.iterdir()} == {"poison-1": "jobs", "poison-2": "spare", "poison-3": "spare"}
    assert [d["id"] for d in json.loads(_cli("jobs", "--json")[1])] == [ids[3]]
    assert _cli("jobs", "redrive", "--all")[1] == "Redrove 1 message(s) onto jobs.\n"
    _drain(project)
    assert (done / "poison-4").read_text() == "jobs"
    assert json.loads(_cli("jobs", "--json")[1]) == []


def test_purge_asks_first(project: Path) -> None:
    ids = _poison(project, "poison-1", "poison-2", "poison-3")
    code, _, err = _cli("jobs", "purge", ids[0], input="n\n")
    assert code == 1 and err.startswith("Delete 1 dead letter(s) of jobs for good? [y/N]")
    assert len(json.loads(_cli("jobs", "--json")[1])) == 3
    assert _cli("jobs", "purge", ids[0], input="y\n")[1].splitlines()[-1] == "Deleted 1 dead letter(s) of jobs."  # after the echoed answer
    assert _cli("jobs", "purge", "--all", "--yes")[1] == "Deleted 2 dead letter(s) of jobs.\n"
    assert json.loads(_cli("jobs", "--json")[1]) == []


def test_redrive_while_portable_dev_runs(project: Path) -> None:
    portable = Path(sys.executable).parent / "portable"
    dev = subprocess.Popen([str(portable), "dev", ".", "--port", "0", "--no-reload"], cwd=project,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(Path(__file__).parents[3])})
    try:
        from providers.local.queues import QueueStore

        store = QueueStore(project / ".portable" / "state" / "queues.sqlite3")
        message_id = store.send("jobs", b"poison-live")
        store.close()
        deadline = time.monotonic() + 20
        while not json.loads(_cli("jobs", "--json")[1]):
            assert time.monotonic() < deadline, "the poison message never reached the dead letters"
            time.sleep(0.1)
        (project / "fixed").write_text("")
        assert _cli("jobs", "redrive", message_id)[1] == "Redrove 1 message(s) onto jobs.\n"
        while not (project / "done" / "poison-live").exists():
            assert time.monotonic() < deadline, "the running dev server never handled the redriven message"
            time.sleep(0.05)
    finally:
        dev.send_signal(signal.SIGINT)
        out, err = dev.communicate(timeout=20)
    assert dev.returncode == 0, err
    assert (f"✗ dead-lettered: queue jobs, message {message_id}, received 2 times, last error: ValueError: cannot "
            "digest poison-live. See `portable dead-letters TARGET jobs`") in out
