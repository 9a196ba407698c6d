"""The emulator packages install once, even when several pytest workers ask at the same moment, and a
worker never starts an emulator whose package npm is still unpacking."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests import npm_emulators

ROOT = Path(__file__).resolve().parents[1]

# Like npm, the fake links .bin/azurite before it has unpacked the package; it logs each run.
FAKE_NPM = """\
#!{python}
import sys, time
from pathlib import Path
args = sys.argv[1:]
prefix = Path(args[args.index("--prefix") + 1])
with open(prefix / "npm-runs.log", "a") as log:
    log.write(" ".join(a for a in args if "@" in a) + "\\n")
if {fail!r}:
    sys.stderr.write("npm error code ENOTFOUND\\nnpm error network request failed\\n")
    sys.exit(1)
(prefix / "node_modules" / ".bin").mkdir(parents=True, exist_ok=True)
(prefix / "node_modules" / ".bin" / "azurite").write_text("#!/bin/sh\\n")
time.sleep(1.0)
(prefix / "node_modules" / "azurite").mkdir(exist_ok=True)
(prefix / "node_modules" / "azurite" / "package.json").write_text("{{}}")
"""

WORKER = """
from tests import npm_emulators
npm_emulators.install("azurite")
complete = (npm_emulators.node_modules() / "azurite" / "package.json").exists()
print("complete" if complete else "half-installed")
"""


def _fake_npm(tmp_path: Path, *, fail: bool = False) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text(FAKE_NPM.format(python=sys.executable, fail=fail))
    npm.chmod(0o755)
    return bin_dir


def test_two_workers_at_once_run_npm_once_and_both_find_the_package_complete(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": f"{_fake_npm(tmp_path)}{os.pathsep}{os.environ['PATH']}",
           "PORTABLE_TEST_CACHE": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    workers = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(WORKER)], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [worker.communicate(timeout=120) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0, 0], results
    assert [out.strip() for out, _ in results] == ["complete"] * 3
    assert (tmp_path / "cache" / "npm" / "npm-runs.log").read_text() == "azurite@3\n"
    # later calls find the marker and run nothing
    again = subprocess.run([sys.executable, "-c", textwrap.dedent(WORKER)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=60)
    assert again.stdout.strip() == "complete"
    assert (tmp_path / "cache" / "npm" / "npm-runs.log").read_text() == "azurite@3\n"


def test_a_failing_npm_is_reported_with_its_words_and_installs_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", f"{_fake_npm(tmp_path, fail=True)}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(npm_emulators, "CACHE", tmp_path / "npm")
    with pytest.raises(npm_emulators.NotInstallable) as failed:
        npm_emulators.install("azurite")
    assert str(failed.value) == ("npm install azurite@3 failed (exit 1): npm error code ENOTFOUND\n"
                                 "npm error network request failed")
    assert not list((tmp_path / "npm").glob(".installed-*"))


def test_under_ci_a_missing_emulator_fails_instead_of_skipping(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no npm
    monkeypatch.setattr(npm_emulators, "CACHE", tmp_path / "npm")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as failed:
        npm_emulators.require("firestore")
    assert str(failed.value) == "emulator firestore is not installed: npm is not on PATH (install Node.js and npm)"
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception) as skipped:
        npm_emulators.require("firestore")
    assert str(skipped.value) == ("emulator firestore cannot be installed: npm is not on PATH "
                                  "(install Node.js and npm)")
