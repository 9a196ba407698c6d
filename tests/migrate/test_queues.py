"""``copy --queues``: pending and dead-lettered messages move with body and attributes, local → SQS
(moto) → Azure Storage queues (Azurite, dead letters on '<queue>-poison') → local, and each source
is left empty."""

from __future__ import annotations

from pathlib import Path

from portable.dataplane import QueuedMessage
from portable.migrate.copy import CopyOptions, copy_stack
from portable.migrate.manifest import Manifest
from portable.model import Stack
from tests.migrate.conftest import Cloud


def _drain(plane: object, queue: str, dead_letters: bool) -> list[tuple[bytes, dict[str, str]]]:
    from portable.dataplane import DataPlane

    assert isinstance(plane, DataPlane)
    found = []
    while batch := plane.receive_messages(queue, dead_letters=dead_letters):
        for message in batch:
            found.append((message.body, dict(message.attributes)))
            plane.delete_message(queue, message, dead_letters=dead_letters)
    return sorted(found)


def test_messages_and_dead_letters_move_both_ways(cloud: Cloud, tmp_path: Path) -> None:
    stack = Stack("shop")
    stack.queue("jobs", dead_letter_after=3)
    local, aws, azure = cloud("local", stack, "src"), cloud("aws", stack, "dst"), cloud("azure", stack, "mid")
    back = cloud("local", stack, "back")
    pending = [(f"job {i} ü".encode(), {"traceparent": f"00-{i:032x}-{i:016x}-01"}) for i in range(12)]
    dead = [(b'{"order": 7}', {"reason": "poison"}), (b"plain", {})]
    for body, attributes in pending:
        local.send_message("jobs", QueuedMessage(body, attributes))
    for body, attributes in dead:
        local.send_message("jobs", QueuedMessage(body, attributes), dead_letters=True)

    first = copy_stack(local, aws, Manifest(tmp_path / "a.sqlite3"), tmp_path / "bad.jsonl", CopyOptions(queues=True))
    assert [(o.kind, o.copied) for o in first.outcomes] == [("queue", 12), ("dead letters", 2)]
    assert local.receive_messages("jobs") == [] and local.receive_messages("jobs", dead_letters=True) == []

    for source, target in ((aws, azure), (azure, back)):
        moved = copy_stack(source, target, Manifest(tmp_path / f"{target.provider}.sqlite3"), tmp_path / "bad.jsonl",
                           CopyOptions(queues=True))
        assert [(o.kind, o.copied) for o in moved.outcomes] == [("queue", 12), ("dead letters", 2)]
    assert _drain(back, "jobs", False) == sorted(pending)
    assert _drain(back, "jobs", True) == sorted(dead)
