"""Run the Azure deploy program under the shared plan machinery (portable.plan) with the fake Azure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portable.model import Stack
from portable.plan import run_program
from portable.plan.monitor import Registration
from providers.azure.mocks import AzureCloud


@dataclass
class Synth:
    components: dict[str, dict[str, Any]]
    registrations: list[Registration]
    notes: list[str]

    @property
    def urns(self) -> list[str]:
        return sorted(r.urn for r in self.registrations)

    def of_type(self, typ: str) -> dict[str, dict[str, Any]]:
        """Inputs (wire names) of every resource of ``typ`` by logical name."""
        return {r.name: r.inputs for r in self.registrations if r.type == typ}

    def one(self, typ: str, name: str) -> dict[str, Any]:
        return self.of_type(typ)[name]

    def registration(self, typ: str, name: str) -> Registration:
        return next(r for r in self.registrations if r.type == typ and r.name == name)


def synth(stack: Stack, root: Path, *, config: dict[str, str] | None = None,
          bundles: Mapping[str, Any] | None = None) -> Synth:
    """The deploy program's registrations, with each function's package from ``bundles`` (none by default)."""
    from providers.azure.deploy.program import deploy_stack

    holder: dict[str, Any] = {}

    def program() -> None:
        holder["components"] = deploy_stack(stack, bundles or {})

    recording = run_program(program, AzureCloud(), config={"azure-native:location": "westeurope", **(config or {})},
                            project="orders", stack="azure")
    return Synth(holder["components"], recording.registrations, recording.notes)
