"""What a plan holds: the resources a deploy would create, with their inputs, and the stack outputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PlannedResource:
    """One resource: its type token, logical name, parent (``(type, name)``, or ``None`` at the top)
    and inputs as JSON-able values (wire names, secrets as ``"[secret]"``). ``custom`` is false for
    components; ``depends_on`` lists the ``type::name`` of resources it waits for."""

    type: str
    name: str
    parent: tuple[str, str] | None
    inputs: dict[str, Any]
    custom: bool = True
    urn: str = ""
    depends_on: tuple[str, ...] = ()
    summary: str = ""
    """The key inputs in one line, for people (the provider's wording)."""

    def to_dict(self) -> dict[str, Any]:
        parent = f"{self.parent[0]}::{self.parent[1]}" if self.parent else None
        return {"type": self.type, "name": self.name, "parent": parent, "inputs": self.inputs}


@dataclass(frozen=True)
class Plan:
    """A stack planned for one provider. ``resources`` are in tree order: each component, then its
    children, siblings sorted by type and name. ``notes`` are the warnings the program logged."""

    provider: str
    stack: str
    resources: tuple[PlannedResource, ...]
    outputs: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def of_type(self, type_: str) -> list[PlannedResource]:
        """The resources of one type token, e.g. ``aws:lambda/function:Function``."""
        return [r for r in self.resources if r.type == type_]

    def get(self, type_: str, name: str) -> PlannedResource:
        """The resource of that type and logical name; ``KeyError`` naming the ones of that type."""
        for resource in self.resources:
            if resource.type == type_ and resource.name == name:
                return resource
        names = ", ".join(sorted(r.name for r in self.of_type(type_))) or "none"
        raise KeyError(f"no {type_} named {name!r} in the plan; planned: {names}")

    def tree(self) -> list[tuple[int, PlannedResource]]:
        """Each resource with its depth (0 for a top-level component), in tree order."""
        depths: dict[tuple[str, str], int] = {}
        found = []
        for resource in self.resources:  # parents come before their children
            depth = 0 if resource.parent is None else depths.get(resource.parent, -1) + 1
            depths[(resource.type, resource.name)] = depth
            found.append((depth, resource))
        return found

    def children(self, parent: PlannedResource, type_: str | None = None) -> list[PlannedResource]:
        """The direct children of ``parent``, optionally of one type."""
        key = (parent.type, parent.name)
        return [r for r in self.resources if r.parent == key and (type_ is None or r.type == type_)]

    def counts(self) -> dict[str, int]:
        """How many resources of each type, sorted by type."""
        found: dict[str, int] = {}
        for resource in self.resources:
            found[resource.type] = found.get(resource.type, 0) + 1
        return dict(sorted(found.items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "stack": self.stack,
            "resources": [r.to_dict() for r in self.resources],
            "outputs": self.outputs,
            "notes": list(self.notes),
        }
