"""``portable migrate copy``: buckets, tables and secrets from one provider's deployment to another's.

Order of work: a pre-flight over every resource (a target that holds data this migration did not
write, and that differs from the source, stops everything before a single write unless
``overwrite``), then buckets (objects streamed by parallel workers, sha256 computed on the way),
tables (scanned, written in batches, items the target cannot hold to the bad-items file), secrets
(values never printed). The :class:`~portable.migrate.manifest.Manifest` makes a rerun resume.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from portable.dataplane import (
    DataPlane,
    DataPlaneError,
    ObjectInfo,
    encode_item,
    item_hash,
    key_label,
    key_of,
    key_text,
)
from portable.migrate.manifest import Manifest
from portable.migrate.report import Advance, Outcome, Progress, Report

BATCH = 500
WORKERS = 16


@dataclass(frozen=True)
class CopyOptions:
    dry_run: bool = False
    overwrite: bool = False
    workers: int = WORKERS
    queues: bool = False
    """Also move queued and dead-lettered messages (stop the source's consumers first)."""


class TargetHoldsData(DataPlaneError):
    """The target already holds different data that this migration did not write."""


def copy_stack(source: DataPlane, target: DataPlane, manifest: Manifest, bad_items: Path,
               options: CopyOptions = CopyOptions(), progress: Progress | None = None) -> Report:
    """Copy every bucket, table and secret of the stack; the report says what happened to each."""
    progress = progress or Progress()
    stack = source.stack
    report = Report("copy", stack.name, source.provider, target.provider, dry_run=options.dry_run)
    identical = _preflight(source, target, manifest, options)
    for bucket in stack.buckets:
        report.outcomes.append(_copy_bucket(source, target, manifest, bucket.name, identical, options, progress))
    with _BadItems(bad_items) as bad:
        for table in stack.tables:
            report.outcomes.append(_copy_table(source, target, manifest, table.name, bad, options, progress))
        report.bad_items = str(bad_items) if bad.count else None
    for secret in stack.secrets:
        report.outcomes.append(_copy_secret(source, target, manifest, secret.name, options))
    if options.queues:
        for queue in stack.queues:
            for dead_letters in (False, True):
                report.outcomes.append(_move_messages(source, target, queue.name, dead_letters, options))
    return report


# -- pre-flight -------------------------------------------------------------------------------------


def _preflight(source: DataPlane, target: DataPlane, manifest: Manifest, options: CopyOptions) -> set[str]:
    """Refuse (unless ``overwrite``) when a target resource holds data this migration did not write
    and the source does not hold the same; returns ``bucket/key`` of objects already identical."""
    identical: set[str] = set()
    for bucket in source.stack.buckets:
        ours = manifest.entries("object", bucket.name)
        theirs = [o for o in target.list_objects(bucket.name) if o.key not in ours]
        if not theirs:
            continue
        at_source = {o.key: o for o in source.list_objects(bucket.name)}
        different = []
        for found in theirs:
            origin = at_source.get(found.key)
            if origin is not None and origin.size == found.size and \
                    _checksum(source, bucket.name, found.key) == _checksum(target, bucket.name, found.key):
                identical.add(f"{bucket.name}/{found.key}")
            else:
                different.append(found.key)
        if different and not options.overwrite:
            raise TargetHoldsData(
                f"Bucket {bucket.name!r} on {target.provider} ({target.physical('bucket', bucket.name)}) already holds "
                f"{len(different)} object(s) that differ from the source and that this migration did not write, "
                f"e.g. {different[0]!r}; nothing was copied",
                hint="Empty the target bucket, or pass --overwrite to replace them.",
            )
    for table_model in source.stack.tables:
        table = target.table(table_model.name)
        ours_items = manifest.entries("item", table.name)
        theirs_items = [i for i in target.scan_items(table)
                        if key_text(key_of(i, table.key_names)) not in ours_items]
        if not theirs_items:
            continue
        at_source_items = {key_text(key_of(i, table.key_names)): item_hash(i)
                           for i in source.scan_items(source.table(table.name))}
        changed = [i for i in theirs_items
                   if at_source_items.get(key_text(key_of(i, table.key_names))) != item_hash(i)]
        if changed and not options.overwrite:
            raise TargetHoldsData(
                f"Table {table.name!r} on {target.provider} ({table.physical}) already holds {len(changed)} item(s) "
                f"that differ from the source and that this migration did not write, e.g. "
                f"{key_label(table.key_names, key_of(changed[0], table.key_names))}; nothing was copied",
                hint="Empty the target table, or pass --overwrite to replace them.",
            )
    return identical


def _checksum(plane: DataPlane, bucket: str, key: str) -> str:
    stream = plane.read_object(bucket, key)
    digest = hashlib.sha256()
    try:
        for chunk in stream.chunks:
            digest.update(chunk)
    finally:
        stream.close()
    return digest.hexdigest()


# -- buckets ----------------------------------------------------------------------------------------


def _copy_bucket(source: DataPlane, target: DataPlane, manifest: Manifest, name: str, identical: set[str],
                 options: CopyOptions, progress: Progress) -> Outcome:
    started = time.monotonic()
    outcome = Outcome("bucket", name, source.physical("bucket", name), target.physical("bucket", name))
    done = manifest.entries("object", name)
    listing = list(source.list_objects(name))
    outcome.source_count = len(listing)
    outcome.source_bytes = sum(o.size for o in listing)
    todo = []
    for info in listing:
        entry = done.get(info.key)
        if entry is not None and entry.state == "done" and entry.size == info.size and entry.version == info.version:
            outcome.skipped += 1
        elif f"{name}/{info.key}" in identical:
            if not options.dry_run:
                manifest.done("object", name, [(info.key, info.size, info.version, None)])
            outcome.skipped += 1
        else:
            todo.append(info)
    if options.dry_run:
        outcome.copied, outcome.bytes = len(todo), sum(o.size for o in todo)
        return outcome
    label = f"bucket {name}"
    advance = progress.start(label, sum(o.size for o in todo))
    with ThreadPoolExecutor(max_workers=options.workers) as pool:
        for info, result in zip(todo, pool.map(lambda i: _copy_object(source, target, manifest, name, i, advance),
                                               todo), strict=True):
            if isinstance(result, str):
                outcome.failed += 1
                outcome.problems.append(f"{info.key!r}: {result}")
            else:
                outcome.copied += 1
                outcome.bytes += result
    progress.finish(label)
    outcome.seconds = round(time.monotonic() - started, 3)
    return outcome


def _copy_object(source: DataPlane, target: DataPlane, manifest: Manifest, bucket: str, listed: ObjectInfo,
                 advance: Advance) -> int | str:
    """Stream one object; the bytes copied, or why it failed."""
    manifest.writing("object", bucket, [listed.key])
    try:
        stream = source.read_object(bucket, listed.key)
    except KeyError:
        return "deleted at the source during the copy"
    digest = hashlib.sha256()
    copied = 0

    def chunks() -> Iterator[bytes]:
        nonlocal copied
        for chunk in stream.chunks:
            digest.update(chunk)
            copied += len(chunk)
            advance(len(chunk))
            yield chunk

    try:
        target.write_object(bucket, replace(stream.info, version=listed.version), chunks())
    except Exception as error:
        return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    finally:
        stream.close()
    if copied != stream.info.size:
        return f"read {copied} bytes of {stream.info.size}"
    manifest.done("object", bucket, [(listed.key, copied, listed.version, digest.hexdigest())])
    return copied


# -- tables -----------------------------------------------------------------------------------------


class _BadItems:
    """The bad-items file: one JSON line per item the target cannot hold (typed JSON, with the reason)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._file: Any = None

    def __enter__(self) -> _BadItems:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()

    def add(self, table: str, key: str, reason: str, item: dict[str, Any]) -> None:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("w", encoding="utf-8")
        line = {"table": table, "key": key, "reason": reason, "item": encode_item(item)}
        self._file.write(json.dumps(line, ensure_ascii=False) + "\n")
        self._file.flush()
        self.count += 1


def _copy_table(source: DataPlane, target: DataPlane, manifest: Manifest, name: str, bad: _BadItems,
                options: CopyOptions, progress: Progress) -> Outcome:
    started = time.monotonic()
    table = target.table(name)
    outcome = Outcome("table", name, source.table(name).physical, table.physical, source_count=0)
    done = manifest.entries("item", name)
    batch: list[tuple[str, str, dict[str, Any]]] = []
    label = f"table {name}"
    advance = progress.start(label, None)

    def flush() -> None:
        if not batch:
            return
        if not options.dry_run:
            manifest.writing("item", name, [k for k, _, _ in batch])
            target.write_items(table, [item for _, _, item in batch])
            manifest.done("item", name, [(k, None, None, h) for k, h, _ in batch])
        outcome.copied += len(batch)
        advance(len(batch))
        batch.clear()

    for item in source.scan_items(source.table(name)):
        outcome.source_count = (outcome.source_count or 0) + 1
        key = key_of(item, table.key_names)
        text, digest = key_text(key), item_hash(item)
        entry = done.get(text)
        if entry is not None and entry.state == "done" and entry.checksum == digest:
            outcome.skipped += 1
            continue
        reason = target.unstorable(table, item)
        if reason is not None:
            outcome.failed += 1
            bad.add(name, text, reason, item)
            if len(outcome.problems) < 5:
                outcome.problems.append(f"{key_label(table.key_names, key)}: {reason}")
            continue
        batch.append((text, digest, item))
        if len(batch) >= BATCH:
            flush()
    flush()
    progress.finish(label)
    outcome.seconds = round(time.monotonic() - started, 3)
    return outcome


# -- secrets ----------------------------------------------------------------------------------------


def _copy_secret(source: DataPlane, target: DataPlane, manifest: Manifest, name: str,
                 options: CopyOptions) -> Outcome:
    outcome = Outcome("secret", name, source.physical("secret", name), target.physical("secret", name))
    value = source.read_secret(name)
    if value is None:
        outcome.problems.append(f"secret {name!r} has no value at the source ({source.provider}); nothing to copy")
        return outcome
    outcome.source_count = 1
    existing = target.read_secret(name)
    if existing == value:
        outcome.skipped = 1
        return outcome
    ours = manifest.entries("secret", name)
    if existing is not None and name not in ours and not options.overwrite:
        raise TargetHoldsData(
            f"Secret {name!r} on {target.provider} ({target.physical('secret', name)}) already has a different "
            "value that this migration did not write; nothing was copied for it",
            hint="Pass --overwrite to replace it with the source's value.",
        )
    if not options.dry_run:
        manifest.writing("secret", name, [name])
        target.write_secret(name, value)
        manifest.done("secret", name, [(name, None, None, None)])
    outcome.copied = 1
    return outcome


# -- queues -----------------------------------------------------------------------------------------


def _move_messages(source: DataPlane, target: DataPlane, name: str, dead_letters: bool,
                   options: CopyOptions) -> Outcome:
    """Move every message: sent to the target, then deleted at the source (at least once: a message
    sent but not yet deleted when the copy stops is sent again by the next run)."""
    started = time.monotonic()
    kind = "dead letters" if dead_letters else "queue"
    outcome = Outcome(kind, name, source.physical("queue", name), target.physical("queue", name))
    if options.dry_run:
        outcome.problems.append("a dry run does not count queued messages (counting would receive them)")
        return outcome
    while batch := source.receive_messages(name, dead_letters=dead_letters):
        for message in batch:
            target.send_message(name, message, dead_letters=dead_letters)
            source.delete_message(name, message, dead_letters=dead_letters)
            outcome.copied += 1
            outcome.bytes += len(message.body)
    outcome.seconds = round(time.monotonic() - started, 3)
    return outcome
