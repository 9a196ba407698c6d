"""Run a Pulumi program under recording mocks, isolated, and turn what it registered into a Plan.

Pulumi keeps its runtime state (settings, config, the root stack) in context variables. Each run
happens in a copy of the caller's context with that state replaced: a fresh monitor, fresh config,
a new root stack. So planning twice in one process works, and nothing leaks into the caller.
"""

from __future__ import annotations

import contextvars
import functools
import gc
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pulumi
import yaml
from pulumi.runtime import settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from portable.errors import PortableError
from portable.plan.mocks import FakeCloud, RecordingMocks
from portable.plan.model import Plan, PlannedResource
from portable.plan.monitor import RecordingMonitor, Registration
from portable.plan.values import SECRET, plain

if TYPE_CHECKING:
    from portable.model import Stack


@dataclass
class Recording:
    """What a program did under the mocks: registrations in order, stack outputs, logged warnings."""

    registrations: list[Registration]
    outputs: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


class _Notes:
    """Stands in for the logger of Pulumi's mock engine: keeps warnings and errors."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def debug(self, message: str) -> None:
        pass

    info = debug

    def warning(self, message: str) -> None:
        self.messages.append(message)

    error = warning


YOUNG_COLLECTION_THRESHOLD = 50_000
"""Allocations between two collections of young objects while a program runs under the mocks (the
default, 700, makes the garbage collector take about half of a large plan's time: a plan allocates
hundreds of thousands of short-lived futures and callbacks)."""


def run_program(
    program: Callable[[], object],
    cloud: FakeCloud,
    *,
    config: Mapping[str, str] | None = None,
    secret_keys: Sequence[str] = (),
    project: str = "portable",
    stack: str = "plan",
) -> Recording:
    """Run ``program`` (which creates resources) under mocks answered by ``cloud``; ``config`` is the
    Pulumi config (``{"aws:region": "eu-west-1"}``). Exceptions from the program propagate."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], YOUNG_COLLECTION_THRESHOLD), *thresholds[1:])
    try:
        return contextvars.copy_context().run(
            _run, program, cloud, dict(config or {}), list(secret_keys), project, stack
        )
    finally:
        gc.set_threshold(*thresholds)


def _run(
    program: Callable[[], object],
    cloud: FakeCloud,
    config: dict[str, str],
    secret_keys: list[str],
    project: str,
    stack: str,
) -> Recording:
    mocks = RecordingMocks(cloud)
    monitor = RecordingMonitor(mocks)
    notes = _Notes()
    settings.ROOT.set(None)
    pulumi.runtime.set_all_config(config, secret_keys)
    pulumi.runtime.set_mocks(
        mocks, project=project, stack=stack, preview=False, monitor=monitor, logger=notes  # type: ignore[arg-type]
    )
    settings.SETTINGS.outputs = set()
    settings.SETTINGS.lock = threading.Lock()
    recording = Recording(monitor.registrations, notes=notes.messages, calls=mocks.calls)

    async def main() -> None:
        program()
        root = settings.get_root_resource()
        exported: dict[str, Any] = dict(getattr(root, "outputs", {}) or {})
        for key, value in exported.items():
            output = pulumi.Output.from_input(value)
            recording.outputs[key] = SECRET if await output.is_secret() else await output.future()

    _sync_await(run_pulumi_func(main))
    return recording


# -- plans of stacks -------------------------------------------------------------------------------


def plan_stack(
    stack: Stack,
    provider: str,
    root: Path | str,
    *,
    config: Mapping[str, str] | None = None,
    project: Path | str | None = None,
) -> Plan:
    """Plan ``stack`` on ``provider``: its deploy program run under that provider's fake cloud.

    The config is ``portable:provider``, then the ``config`` of ``<project>/Pulumi.<provider>.yaml`` if
    there is one (encrypted values become secrets; ``project`` defaults to ``root``), then ``config``.
    """
    from portable.deploy import CONFIG_NAMESPACE, PROVIDER_KEY, deploy_stack
    from portable.registry import get_provider

    root = Path(root)
    chosen = get_provider(provider)
    chosen.requires()
    values, secret_keys = stack_config(Path(project) if project is not None else root, provider)
    values = {f"{CONFIG_NAMESPACE}:{PROVIDER_KEY}": provider, **values, **(config or {})}
    cloud = chosen.plan_mocks(values)
    recording = run_program(
        functools.partial(deploy_stack, stack, root, provider=chosen), cloud,
        config=values, secret_keys=secret_keys, project=stack.name, stack=provider,
    )
    return to_plan(recording, provider=provider, stack=stack.name, root=root, summarize=cloud.summary)


def stack_config(root: Path, stack: str) -> tuple[dict[str, str], list[str]]:
    """The config of the Pulumi stack file ``<root>/Pulumi.<stack>.yaml`` (if any) and its secret keys.

    Structured values are JSON-encoded, as Pulumi passes them to programs; encrypted (``secure``) values
    cannot be read without the Pulumi CLI and become the placeholder ``"[secret]"``.
    """
    import json

    path = root / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        return {}, []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise PortableError(f"{path} is not valid YAML: {error}") from None
    values: dict[str, str] = {}
    secrets: list[str] = []
    for key, value in (data.get("config") or {}).items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            values[key] = SECRET
            secrets.append(key)
        else:
            values[key] = value if isinstance(value, str) else json.dumps(value)
    return values, secrets


def to_plan(
    recording: Recording,
    *,
    provider: str,
    stack: str,
    root: Path | None = None,
    summarize: Callable[[str, Mapping[str, Any]], str] | None = None,
) -> Plan:
    """The recorded registrations as a :class:`Plan`, in tree order, with JSON-able inputs (and a
    one-line ``summary`` of each, from ``summarize(type, inputs)``)."""
    by_urn = {r.urn: r for r in recording.registrations}
    children: dict[str, list[Registration]] = {}
    for registration in recording.registrations:
        parent = registration.parent if registration.parent in by_urn else ""
        children.setdefault(parent, []).append(registration)

    def label(urn: str) -> str:
        found = by_urn.get(urn)
        return f"{found.type}::{found.name}" if found else urn

    ordered: list[PlannedResource] = []

    def visit(parent: str) -> None:
        for registration in sorted(children.get(parent, ()), key=lambda r: (r.type, r.name)):
            owner = by_urn.get(registration.parent)
            inputs = plain(registration.inputs, root)
            ordered.append(PlannedResource(
                type=registration.type,
                name=registration.name,
                parent=(owner.type, owner.name) if owner else None,
                inputs=inputs,
                custom=registration.custom,
                urn=registration.urn,
                depends_on=tuple(sorted(label(urn) for urn in registration.dependencies)),
                summary=summarize(registration.type, inputs) if summarize and registration.custom else "",
            ))
            visit(registration.urn)

    visit("")
    return Plan(
        provider=provider,
        stack=stack,
        resources=tuple(ordered),
        outputs=plain(recording.outputs, root),
        notes=tuple(sorted(set(recording.notes))),
    )
