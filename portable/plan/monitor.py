"""A mock monitor that records what a program registers and applies ``transforms`` like the engine.

Pulumi's ``MockMonitor`` hands each registration to the mocks but runs no transforms. The engine runs,
for every resource, its own transforms, then those of each ancestor (a component's ``transforms``
reach its children), then the stack's (``pulumi.runtime.register_resource_transform``); the result
replaces the inputs. This monitor does the same, so a plan shows the tags a stack-wide transform adds.
It relies on three private helpers of the Pulumi SDK (``_resolve_callbacks``, ``_ensure_event_loop``,
``_sync_await``), checked against pulumi 3.272.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor, MockResourceArgs, _resolve_callbacks
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass(frozen=True)
class Registration:
    """One registered resource, as the program asked for it (after transforms)."""

    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    inputs: dict[str, Any]
    dependencies: tuple[str, ...]


class RecordingMonitor(MockMonitor):
    """Records every registration in order and applies transforms; see the module docstring."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self._inherited: dict[str, list[Any]] = {}
        self._lock = threading.Lock()

    def RegisterResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == STACK_TYPE:
            return resource_pb2.RegisterResourceResponse(urn=urn)
        _ensure_event_loop()  # type: ignore[no-untyped-call]
        own = _resolve_callbacks(request.transforms)
        with self._lock:
            chain = [*own, *self._inherited.get(request.parent, ())]
            self._inherited[urn] = chain
            stack_wide = list(self._stack_transforms)
        custom = bool(request.custom)
        inputs = rpc.deserialize_properties(request.object)
        inputs = _transformed(inputs, [*chain, *stack_wide], custom, request.type, request.name)
        args = MockResourceArgs(
            typ=request.type, name=request.name, inputs=inputs, provider=request.provider,
            resource_id=request.importId, custom=custom, transforms=own,
        )
        found_id, state = self.mocks.new_resource(args)
        physical_id = found_id or ""
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, physical_id, state)
        self.registrations.append(Registration(
            urn, request.type, request.name, request.parent, custom, inputs, tuple(request.dependencies)
        ))
        obj = _sync_await(rpc.serialize_properties(state, {}))
        return resource_pb2.RegisterResourceResponse(urn=urn, id=physical_id, object=obj)


def _transformed(inputs: dict[str, Any], transforms: Sequence[Any], custom: bool, type_: str, name: str) -> dict[str, Any]:
    props = inputs
    for transform in transforms:
        result = transform(pulumi.ResourceTransformArgs(custom, type_, name, props, pulumi.ResourceOptions()))
        if inspect.isawaitable(result):
            result = asyncio.run(_awaited(result))
        if result is not None:
            props = dict(result.props)
    return props


async def _awaited(awaitable: Any) -> Any:
    return await awaitable
