"""The two sides of a migration: which provider, its stack outputs and its Pulumi stack config."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from portable.dataplane import DataPlane, Side
from portable.errors import UsageError
from portable.model import Stack
from portable.registry import get_provider, provider_names


def side(stack: Stack, root: Path, provider: str, outputs: Path | None, option: str) -> Side:
    """The side ``provider`` of ``stack`` (``option`` is the flag that named it, for errors)."""
    if provider not in provider_names():
        known = ", ".join(repr(n) for n in provider_names())
        raise UsageError(f"Unknown provider {provider!r} for {option}. Known providers: {known}.")
    parsed = _outputs(outputs, f"{option}-outputs") if outputs is not None else None
    config = _pulumi_config(root, provider)
    if provider != "local" and parsed is None and config is None:
        raise UsageError(
            f"Stack {stack.name!r} is not deployed on {provider}: there is no {option}-outputs file and no "
            f"Pulumi.{provider}.yaml in {root}",
            hint=f"Deploy it first (pulumi up -s {provider}), then pass "
                 f"{option}-outputs <(pulumi stack output -s {provider} --json).",
        )
    return Side(provider, root, parsed, config or {})


def data_plane(stack: Stack, where: Side) -> DataPlane:
    return get_provider(where.provider).data_plane(stack, where)


def _outputs(path: Path, option: str) -> dict[str, Any]:
    try:
        parsed = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{option}: no file {str(path)!r}",
                         hint="Write it with: pulumi stack output --json > FILE") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"{option}: {str(path)!r} is not JSON ({error.msg} at line {error.lineno})",
                         hint="Write it with: pulumi stack output --json > FILE") from None
    if not isinstance(parsed, dict):
        raise UsageError(f"{option}: {str(path)!r} holds a {type(parsed).__name__}, not the object "
                         "'pulumi stack output --json' writes")
    return parsed


def _pulumi_config(root: Path, stack_name: str) -> dict[str, str] | None:
    """The ``config`` of ``Pulumi.<stack_name>.yaml`` (plus ``pulumi:project`` and ``pulumi:stack``)."""
    path = root / f"Pulumi.{stack_name}.yaml"
    if not path.exists():
        return None
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    config = {str(k): str(v) for k, v in (document.get("config") or {}).items() if not isinstance(v, dict)}
    project = root / "Pulumi.yaml"
    if project.exists():
        config["pulumi:project"] = str((yaml.safe_load(project.read_text(encoding="utf-8")) or {}).get("name", ""))
    config["pulumi:stack"] = stack_name
    return config


def planes(stack: Stack, root: Path, source: str, target: str, source_outputs: Path | None = None,
           target_outputs: Path | None = None, *, reachable: bool = True) -> tuple[DataPlane, DataPlane]:
    """The data planes of both sides, checked reachable unless ``reachable`` is False (a plan still
    shows the mapping when the source cannot be read)."""
    if source == target and source_outputs == target_outputs:
        raise UsageError(f"--from and --to both name {source!r} with the same outputs: there is nothing to move",
                         hint="Name two different providers, or give each side its own --from-outputs/--to-outputs.")
    left = data_plane(stack, side(stack, root, source, source_outputs, "--from"))
    right = data_plane(stack, side(stack, root, target, target_outputs, "--to"))
    if reachable:
        left.check_reachable()
        right.check_reachable()
    return left, right
