"""Nothing is lost: a consumer killed mid-message, a handler that always fails, and many producers and
consumers in threads and processes sharing one SQLite file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from portable.model import Stack
from providers.local.queues import QueueStore
from tests.providers.local.conftest import Project

ROOT = Path(__file__).resolve().parents[3]

CHILD_CONSUMER = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from portable.model import Stack
from providers.local.stack import LocalStack
stack = Stack("crash")
jobs = stack.queue("jobs", visibility_timeout=1)
stack.function("worker", handler="worker:handle", source="src", timeout=1,
               triggers=[jobs.trigger(batch_size=1, max_concurrency=1)])
local = LocalStack(stack, Path({project!r}), Path({state!r}), log_stream=None)
local.start()
time.sleep(60)
"""

WORKER = """
import os, time
from pathlib import Path

def handle(message, ctx):
    marker = Path(os.environ["MARKER_DIR"])
    if os.environ.get("HANG"):
        (marker / "started").write_text(message.text)
        time.sleep(60)
    (marker / f"done-{message.id}").write_text(f"{message.text} {message.delivery_attempt}")
"""


def _python(code: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(path: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


def test_a_consumer_killed_mid_message_loses_nothing(project: Project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    project.write("worker", WORKER)
    markers = project.root / "markers"
    markers.mkdir()
    monkeypatch.setenv("MARKER_DIR", str(markers))
    stack = Stack("crash")
    jobs = stack.queue("jobs", visibility_timeout=1)
    stack.function("worker", handler="worker:handle", source="src", timeout=1, triggers=[jobs.trigger(batch_size=1)])
    local = project.local(stack)
    message_id = local.state.queues.send("jobs", b"order-1")
    sent = time.time()

    # One consumer thread, stuck in the handler: the child takes the message once, however slow it is.
    child = _python(CHILD_CONSUMER.format(root=str(ROOT), project=str(project.root), state=str(local.state_dir)),
                    HANG="1", MARKER_DIR=str(markers))
    try:
        _wait_for(markers / "started")  # the handler runs: the message is in flight
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        child.kill()
    assert (markers / "started").read_text() == "order-1"
    assert local.state.queues.depth("jobs") == 1  # not lost with its consumer
    visible_again = local.state.queues.next_visible("jobs")
    assert visible_again is not None and visible_again > sent + 1  # hidden by the dead consumer's receive

    local.drain(timeout=60)  # delivered again once the visibility timeout runs out, here
    assert (markers / f"done-{message_id}").read_text() == "order-1 2"  # the dead consumer's receive counted


def test_a_handler_that_always_fails_ends_in_the_dead_letters_with_its_body(project: Project) -> None:
    project.write("failing", """
        calls = []

        def handle(message):
            calls.append(message.delivery_attempt)
            raise RuntimeError(f"cannot handle {message.text}")
    """)
    stack = Stack("dlq")
    jobs = stack.queue("jobs", dead_letter_after=3)
    stack.function("worker", handler="failing:handle", source="src", triggers=[jobs.trigger()])
    local = project.local(stack)
    local.state.queues.send("jobs", b'{"order_id": "42"}', {"tenant": "acme"})
    local.start()
    local.drain(timeout=10)

    [dead] = local.dead_letters("jobs")
    assert dead.body == b'{"order_id": "42"}'
    assert dead.attributes == {"tenant": "acme"}
    assert dead.receives == 3
    assert dead.error == 'RuntimeError: cannot handle {"order_id": "42"}'
    import failing  # the handler module, as the consumer loaded it

    assert failing.calls == [1, 2, 3]


PRODUCER = """
import sys
sys.path.insert(0, {root!r})
from pathlib import Path
from providers.local.queues import QueueStore
store = QueueStore(Path({db!r}))
for n in range({count}):
    store.send("jobs", f"{name}-{{n}}".encode())
"""

CONSUMER = """
import sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from providers.local.queues import QueueStore

store = QueueStore(Path({db!r}))
idle = time.monotonic()
while time.monotonic() - idle < 1.5:
    batch = store.receive("jobs", 7, visibility_timeout=60)
    if batch:
        idle = time.monotonic()
        for m in batch:
            print(m.body.decode(), flush=True)
        store.ack(batch)
    else:
        time.sleep(0.005)
"""


def test_concurrent_producers_and_consumers_neither_lose_nor_duplicate(tmp_path: Path) -> None:
    db = tmp_path / "queues.sqlite3"
    store = QueueStore(db)
    count = 300
    processes = [
        _python(textwrap.dedent(PRODUCER.format(root=str(ROOT), db=str(db), count=count, name=f"proc{n}")))
        for n in range(2)
    ]
    consumers = [_python(textwrap.dedent(CONSUMER.format(root=str(ROOT), db=str(db)))) for _ in range(2)]
    received: list[str] = []
    lock = threading.Lock()

    def produce(name: str) -> None:
        for n in range(count):
            store.send("jobs", f"{name}-{n}".encode())

    def consume() -> None:
        idle = time.monotonic()
        while time.monotonic() - idle < 1.5:
            batch = store.receive("jobs", 5, visibility_timeout=60)
            if batch:
                idle = time.monotonic()
                with lock:
                    received.extend(m.body.decode() for m in batch)
                store.ack(batch)
            else:
                time.sleep(0.005)

    threads = [threading.Thread(target=produce, args=(f"thread{n}",)) for n in range(2)]
    threads += [threading.Thread(target=consume) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for process in processes:
        assert process.wait(60) == 0, process.stderr.read() if process.stderr else ""
    for process in consumers:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        received.extend(out.split())
    # whatever a slow consumer left behind
    while batch := store.receive("jobs", 100):
        received.extend(m.body.decode() for m in batch)
        store.ack(batch)
    store.close()

    sent = {f"{name}-{n}" for name in ("proc0", "proc1", "thread0", "thread1") for n in range(count)}
    assert len(received) == len(sent), "a message was delivered twice without a failure or timeout"
    assert set(received) == sent
