"""Local secret values: from the environment, else from the project's git-ignored secrets file.

The file holds ``PORTABLE_SECRET_<NAME>=value`` lines (``#`` comments, optional quotes), the same
variables as the environment, so a value can move between the two unchanged.
"""

from __future__ import annotations

import os
from pathlib import Path

from portable.runtime.errors import ConfigError

_cache: dict[Path, tuple[float, dict[str, str]]] = {}


class SecretMissing(ConfigError):
    """A linked secret has no local value."""


def read_file(path: Path) -> dict[str, str]:
    """The ``NAME=value`` pairs of a secrets file (empty if it does not exist); re-read when it changes."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return {}
    cached = _cache.get(path)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    values = parse(path.read_text(encoding="utf-8"))
    _cache[path] = (mtime, values)
    return values


def parse(text: str) -> dict[str, str]:
    """Parse dotenv-style lines.

    >>> parse('# local only\\nPORTABLE_SECRET_API_KEY="s3cret"\\nexport PORTABLE_SECRET_OTHER=x\\n')
    {'PORTABLE_SECRET_API_KEY': 's3cret', 'PORTABLE_SECRET_OTHER': 'x'}
    """
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name.strip()] = value
    return values


def lookup(name: str, variable: str, file: Path) -> str:
    """The value of secret ``name``: ``$variable``, else ``variable`` in ``file``; else a SecretMissing
    that says how to set it."""
    value = os.environ.get(variable)
    if value is None:
        value = read_file(file).get(variable)
    if value is None:
        raise SecretMissing(
            f"Secret {name!r} has no local value. Set it with `export {variable}=...` before `portable dev`, "
            f"or add the line `{variable}=...` to {file} (git-ignored)."
        )
    return value
