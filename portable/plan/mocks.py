"""The generic recording mocks: inputs echoed as outputs, plus the fake cloud outputs a provider adds.

A provider supplies a :class:`FakeCloud` (``provider.plan_mocks(config)``): the outputs a real
deployment would compute (ARNs, URLs, ids), derived from the inputs so plans are deterministic, and
answers to invokes. Every output a program chains on must be faked here, or it resolves to ``None``
and downstream inputs silently disappear.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import pulumi


class FakeCloud(Protocol):
    """A provider's stand-in for its cloud during a plan."""

    def outputs(self, type_: str, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """The physical id and the computed outputs (wire names) of a new resource."""
        ...

    def call(self, token: str, args: Mapping[str, Any]) -> dict[str, Any]:
        """The result of an invoke (wire names), e.g. ``aws:index/getCallerIdentity:getCallerIdentity``."""
        ...

    def summary(self, type_: str, inputs: Mapping[str, Any]) -> str:
        """A one-line description of a resource's key inputs, for people."""
        ...


class RecordingMocks(pulumi.runtime.Mocks):
    """Echo each resource's inputs and add the fake cloud's outputs (which win over the echo)."""

    def __init__(self, cloud: FakeCloud) -> None:
        self.cloud = cloud
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if not args.custom:
            return "", {}
        physical_id, computed = self.cloud.outputs(args.typ, args.name, args.inputs)
        return physical_id, {**args.inputs, **computed}

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        self.calls.append((args.token, dict(args.args)))
        return self.cloud.call(args.token, args.args)
