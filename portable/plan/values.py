"""Inputs as JSON-able values: secrets hidden, archives named by path, whole floats as ints.

Mock inputs use Pulumi's wire form: secrets arrive wrapped (``{<sig>: <secret sig>, "value": ...}``)
and numbers as floats (``512.0``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime.rpc import is_rpc_secret

SECRET = "[secret]"
UNKNOWN = "[unknown]"


def plain(value: Any, root: Path | None = None) -> Any:
    """``value`` as JSON-able data; paths of file archives and assets relative to ``root``."""
    if is_rpc_secret(value):
        return SECRET
    if isinstance(value, dict):
        return {str(k): plain(v, root) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, root) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, pulumi.FileArchive):
        return {"archive": _relative(value.path, root)}
    if isinstance(value, pulumi.AssetArchive):
        return {"archive": plain(dict(value.assets), root)}
    if isinstance(value, pulumi.FileAsset):
        return {"asset": _relative(value.path, root)}
    if isinstance(value, pulumi.StringAsset):
        return {"asset": value.text}
    if isinstance(value, pulumi.RemoteArchive | pulumi.RemoteAsset):
        return {"remote": value.uri}
    if type(value).__name__ == "Unknown":
        return UNKNOWN
    return str(value)


def _relative(path: str, root: Path | None) -> str:
    if root is None:
        return path
    try:
        return Path(os.path.relpath(Path(path).resolve(), root.resolve())).as_posix()
    except ValueError:  # another drive
        return path
