"""Running pip to install requirements for a target platform, and explaining its failures."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from portable.bundle.errors import BundleError
from portable.bundle.platforms import Platform

#: Runs pip with environment markers evaluated for the target, not for this machine: pip's own
#: ``--python-version`` and ``--platform`` do not reach marker evaluation, so without this a Mac would
#: bundle ``; sys_platform == "darwin"`` dependencies and Python 3.11 would skip ``; python_version >= "3.12"``
#: ones. If pip's vendored ``packaging`` ever moves, pip runs unpatched.
_PIP_WITH_TARGET_MARKERS = """
import json, sys
target = json.loads(sys.argv.pop(1))
try:
    from pip._vendor.packaging import markers
    host_environment = markers.default_environment
    def default_environment():
        environment = host_environment()
        environment.update(target)
        return environment
    markers.default_environment = default_environment
except (ImportError, AttributeError):
    pass
from pip._internal.cli.main import main
sys.exit(main())
"""
_NO_PIP = re.compile(r"No module named '?pip'?")
_NOT_FOUND = re.compile(
    r"Could not find a version that satisfies the requirement (?P<requirement>.+?) "
    r"\(from versions: (?P<versions>[^)]*)\)"
)
_REQUIRED_BY = re.compile(r"\s+\(from (?P<parent>[^)]+)\)$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


def install_command(requirements_file: Path, target: Path, platform: Platform, pip_args: tuple[str, ...]) -> list[str]:
    """The pip command that installs ``requirements_file`` into ``target`` for ``platform``: wheels only,
    no bytecode (it would not match the target's Python), markers evaluated for the target."""
    platforms = [arg for tag in platform.tags for arg in ("--platform", tag)]
    markers = json.dumps(platform.marker_environment(), sort_keys=True)
    return [
        sys.executable, "-c", _PIP_WITH_TARGET_MARKERS, markers, "install", "--target", str(target),
        "--implementation", "cp", "--python-version", platform.python_version, "--abi", platform.abi,
        *platforms, "--only-binary=:all:", "--no-compile", "--disable-pip-version-check", "--no-input",
        "--progress-bar", "off", *pip_args, "--requirement", str(requirements_file),
    ]


def run_pip(command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a pip command, capturing its output (tests replace this to prove pip is not called)."""
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


def explain_failure(output: str, returncode: int, platform: Platform, subject: str) -> BundleError:
    """Turn pip's output into a :class:`BundleError` that names the package and the platform."""
    if _NO_PIP.search(output):
        return BundleError(
            f"pip is not installed in the Python environment at '{sys.prefix}', so requirements cannot be "
            "installed",
            hint=f"Install it: {sys.executable} -m ensurepip",
        )
    match = _NOT_FOUND.search(output)
    if match:
        return _no_wheel(match.group("requirement"), match.group("versions").strip(), platform, subject)
    errors = [line for line in output.splitlines() if line.startswith("ERROR:")]
    details = "\n".join(f"  {line}" for line in (errors or output.strip().splitlines()[-15:]))
    return BundleError(
        f"{subject}'s requirements could not be installed for {platform.describe()} "
        f"(pip exited with {returncode}):\n{details}",
        hint="Check the requirements against pip's messages above; pin versions that ship manylinux wheels.",
    )


def _no_wheel(requirement: str, versions: str, platform: Platform, subject: str) -> BundleError:
    required_by = _REQUIRED_BY.search(requirement)
    via = ""
    if required_by:
        requirement = requirement[: required_by.start()]
        via = f" (required by {required_by.group('parent')!r})"
    name_match = _NAME.match(requirement)
    name = name_match.group(0) if name_match else requirement
    vendor = "or vendor it: build it for this platform, put it into the source folder and drop it from the requirements."
    if versions in ("", "none"):
        return BundleError(
            f"{subject} needs {requirement!r}{via}, but no wheel of {name!r} exists for {platform.describe()}",
            hint=f"Pin a version of {name!r} that ships manylinux wheels for {platform.abi} {platform.machine} "
            f"(or a pure-Python wheel), {vendor}",
        )
    return BundleError(
        f"{subject} needs {requirement!r}{via}, but the versions of {name!r} with a wheel for "
        f"{platform.describe()} are: {versions}",
        hint=f"Require one of those versions, {vendor}",
    )
