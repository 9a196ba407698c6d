"""``portable migrate verify``: proves a copy. Buckets: keys, sizes, bytes and a sha256 per object
(read from both sides), content types and metadata where both keep them; tables: a canonical hash
per item; secrets: equality, without revealing either value; and a sample read back through the
target's own runtime clients (what a deployed function will see)."""

from __future__ import annotations

import hashlib
import importlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from portable.dataplane import DataPlane, ObjectInfo, item_hash, key_label, key_of, key_text
from portable.migrate.report import Outcome, Progress, Report

SAMPLE = 5
WORKERS = 8
SHOWN = 20


def verify_stack(source: DataPlane, target: DataPlane, progress: Progress | None = None) -> Report:
    progress = progress or Progress()
    stack = source.stack
    report = Report("verify", stack.name, source.provider, target.provider)
    for bucket in stack.buckets:
        report.outcomes.append(_verify_bucket(source, target, bucket.name, progress))
    for table in stack.tables:
        report.outcomes.append(_verify_table(source, target, table.name))
    for secret in stack.secrets:
        report.outcomes.append(_verify_secret(source, target, secret.name))
    return report


def _digest(plane: DataPlane, bucket: str, key: str, advance: Any) -> tuple[str, ObjectInfo]:
    stream = plane.read_object(bucket, key)
    digest = hashlib.sha256()
    try:
        for chunk in stream.chunks:
            digest.update(chunk)
            advance(len(chunk))
    finally:
        stream.close()
    return digest.hexdigest(), stream.info


def _verify_bucket(source: DataPlane, target: DataPlane, name: str, progress: Progress) -> Outcome:
    outcome = Outcome("bucket", name, source.physical("bucket", name), target.physical("bucket", name))
    here = {o.key: o for o in source.list_objects(name)}
    there = {o.key: o for o in target.list_objects(name)}
    outcome.source_count, outcome.target_count = len(here), len(there)
    outcome.source_bytes = sum(o.size for o in here.values())
    outcome.target_bytes = sum(o.size for o in there.values())
    for key in sorted(here.keys() - there.keys()):
        outcome.differences.append(f"{key!r}: missing at the target")
    for key in sorted(there.keys() - here.keys()):
        outcome.differences.append(f"{key!r}: only at the target")
    common = sorted(here.keys() & there.keys())
    label = f"verify bucket {name}"
    advance = progress.start(label, 2 * sum(here[k].size for k in common))
    compare_meta = source.keeps_content_type and target.keeps_content_type

    def check(key: str) -> str | None:
        if here[key].size != there[key].size:
            return f"{key!r}: {here[key].size} bytes at the source, {there[key].size} at the target"
        (left, left_info), (right, right_info) = (_digest(source, name, key, advance),
                                                  _digest(target, name, key, advance))
        if left != right:
            return f"{key!r}: sha256 {left[:12]}… at the source, {right[:12]}… at the target"
        if compare_meta and (left_info.content_type or "") != (right_info.content_type or ""):
            return f"{key!r}: content type {left_info.content_type!r} at the source, {right_info.content_type!r} at the target"
        if compare_meta and dict(left_info.metadata or {}) != dict(right_info.metadata or {}):
            return f"{key!r}: user metadata differs"
        return None

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcome.differences += [d for d in pool.map(check, common) if d]
    progress.finish(label)
    outcome.sampled = _sample_objects(target, name, common, outcome)
    return outcome


def _sample_objects(target: DataPlane, name: str, keys: list[str], outcome: Outcome) -> int:
    client = _runtime_client(target, "bucket", name)
    sampled = 0
    for key in keys[:: max(1, len(keys) // SAMPLE)][:SAMPLE]:
        data = client.get(key)
        stream = target.read_object(name, key)
        try:
            expected = b"".join(stream.chunks)
        finally:
            stream.close()
        if data != expected:
            outcome.differences.append(f"{key!r}: the {target.provider} runtime client reads other bytes")
        sampled += 1
    return sampled


def _verify_table(source: DataPlane, target: DataPlane, name: str) -> Outcome:
    table = target.table(name)
    outcome = Outcome("table", name, source.table(name).physical, table.physical)
    here = {key_text(key_of(i, table.key_names)): (key_of(i, table.key_names), item_hash(i))
            for i in source.scan_items(source.table(name))}
    there = {key_text(key_of(i, table.key_names)): (key_of(i, table.key_names), item_hash(i))
             for i in target.scan_items(table)}
    outcome.source_count, outcome.target_count = len(here), len(there)
    for text in sorted(here.keys() - there.keys()):
        outcome.differences.append(f"{key_label(table.key_names, here[text][0])}: missing at the target")
    for text in sorted(there.keys() - here.keys()):
        outcome.differences.append(f"{key_label(table.key_names, there[text][0])}: only at the target")
    for text in sorted(here.keys() & there.keys()):
        if here[text][1] != there[text][1]:
            outcome.differences.append(f"{key_label(table.key_names, here[text][0])}: the item differs")
    client = _runtime_client(target, "table", name)
    for text in sorted(here.keys() & there.keys())[:SAMPLE]:
        key = dict(zip(table.key_names, here[text][0], strict=True))
        if client.get(key) is None:
            outcome.differences.append(f"{key_label(table.key_names, here[text][0])}: "
                                       f"the {target.provider} runtime client does not find it")
        outcome.sampled += 1
    return outcome


def _verify_secret(source: DataPlane, target: DataPlane, name: str) -> Outcome:
    outcome = Outcome("secret", name, source.physical("secret", name), target.physical("secret", name))
    left, right = source.read_secret(name), target.read_secret(name)
    outcome.source_count, outcome.target_count = int(left is not None), int(right is not None)
    if left is None:
        outcome.problems.append(f"secret {name!r} has no value at the source")
    elif right is None:
        outcome.differences.append(f"secret {name!r}: no value at the target")
    elif left != right:
        outcome.differences.append(f"secret {name!r}: the values differ")
    return outcome


def _runtime_client(plane: DataPlane, kind: str, name: str) -> Any:
    """The target provider's own runtime client for ``name`` (``providers/<p>/clients.py`` BACKENDS)."""
    module = importlib.import_module(f"{type(plane).__module__.rpartition('.')[0]}.clients")
    return module.BACKENDS[kind](name, plane.runtime_link(kind, name))
