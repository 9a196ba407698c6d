"""The npm packages that the emulator fixtures run (Azurite, the Firestore emulator), installed once
into a cache outside the repository (``~/.cache/portable-test/npm``, or ``$PORTABLE_TEST_CACHE/npm``).

``.ci/run`` installs them all before pytest starts (``python3 tests/npm_emulators.py``). A fixture
that finds one missing installs it itself through :func:`require`: under a file lock, so two pytest
workers never run npm on the same prefix at once, and a package counts as installed only once npm
has finished (a marker file), never because its ``.bin`` link already appeared.

Standard library only: ``.ci/run`` runs this file with the system Python, before the virtualenv exists.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CACHE = Path(os.environ.get("PORTABLE_TEST_CACHE", Path.home() / ".cache" / "portable-test")) / "npm"
PACKAGES = {"azurite": "azurite@3", "firestore": "@firestore-emulator/server@0.3.15"}
"""The npm package each emulator fixture needs, by the fixture's short name."""
MANIFEST = '{"name": "portable-test-emulators", "private": true}\n'
NPM_TIMEOUT = 900.0


class NotInstallable(Exception):
    """npm is missing or failed; the message says which and quotes npm's last words."""


@contextmanager
def _install_lock() -> Iterator[None]:
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _marker(spec: str) -> Path:
    return CACHE / f".installed-{spec.replace('/', '+')}"


def install(*names: str) -> None:
    """Install the named packages (keys of PACKAGES) unless npm already finished installing them."""
    wanted = [PACKAGES[name] for name in names]
    if all(_marker(spec).exists() for spec in wanted):
        return
    npm = shutil.which("npm")
    if npm is None:
        raise NotInstallable("npm is not on PATH (install Node.js and npm)")
    with _install_lock():
        missing = [spec for spec in wanted if not _marker(spec).exists()]
        if not missing:
            return  # another worker installed them while this one waited for the lock
        manifest = CACHE / "package.json"
        if not manifest.exists():
            manifest.write_text(MANIFEST)
        command = [npm, "install", "--no-audit", "--no-fund", "--prefix", str(CACHE), *missing]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=NPM_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise NotInstallable(f"npm install {' '.join(missing)} took over {NPM_TIMEOUT:.0f} s") from None
        if result.returncode != 0:
            raise NotInstallable(f"npm install {' '.join(missing)} failed (exit {result.returncode}): "
                                 f"{result.stderr.strip()[-300:]}")
        for spec in missing:
            _marker(spec).write_text("")


def require(*names: str) -> None:
    """For a fixture: install the packages, or skip the test saying why (fail instead under CI, where
    ``.ci/run`` has installed them and a missing emulator must not pass as a skip)."""
    import pytest

    try:
        install(*names)
    except NotInstallable as error:
        if os.environ.get("CI"):
            pytest.fail(f"emulator {', '.join(names)} is not installed: {error}")
        pytest.skip(f"emulator {', '.join(names)} cannot be installed: {error}")


def node_modules() -> Path:
    return CACHE / "node_modules"


def main() -> int:
    try:
        install(*PACKAGES)
    except NotInstallable as error:
        print(f"npm_emulators: {error}", file=sys.stderr)
        return 1
    print(f"npm_emulators: {', '.join(PACKAGES.values())} installed in {CACHE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
