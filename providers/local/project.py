"""The project's ``.portable/`` folder: git-ignored as a whole, its state private to the user.

It holds the local state (queued messages, table items, objects), the invocation log and the
secrets file, none of which belong in a repository or in other users' hands.
"""

from __future__ import annotations

import stat
from pathlib import Path

from providers.local.contract import SECRETS_FILE

PORTABLE_DIR = ".portable"
GITIGNORE = "# Local state and secrets of `portable dev`: never commit them.\n*\n"


def prepare(root: Path, state_dir: Path) -> None:
    """Create ``<root>/.portable/.gitignore`` (ignoring everything there) if missing, and ``state_dir``
    readable by its owner only (0700)."""
    folder = root / PORTABLE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text(GITIGNORE, encoding="utf-8")
    state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    if state_dir.stat().st_mode & 0o077:
        state_dir.chmod(0o700)


def loose_secrets_warning(root: Path) -> str | None:
    """A warning when the secrets file can be read or written by other users than its owner."""
    path = root / SECRETS_FILE
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None
    if not mode & 0o077:
        return None
    return f"{path} is readable by other users (mode {mode:04o}); make it private with `chmod 600 {path}`"
