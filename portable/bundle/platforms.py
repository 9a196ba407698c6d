"""Target platforms: which wheel tags run on a function's Linux runtime.

Every cloud runs Python functions on Linux with glibc, so a target is a CPython minor version, a CPU
architecture and the oldest glibc to support. A wheel runs there when its tag is ``manylinux_2_N_<machine>``
with ``N`` at most that glibc (``manylinux2014`` is ``manylinux_2_17``), or when it is pure Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portable.bundle.errors import BundleError

#: portable architecture name -> the machine name in wheel tags
MACHINES = {"x86_64": "x86_64", "arm64": "aarch64"}
#: oldest glibc with a manylinux tag per machine (manylinux1 = 2.5; aarch64 starts at manylinux2014)
_OLDEST_GLIBC = {"x86_64": 5, "aarch64": 17}

_PYTHON = re.compile(r"^3\.(\d{1,2})$")
_GLIBC = re.compile(r"^2\.(\d{1,2})$")


@dataclass(frozen=True)
class Platform:
    """A CPython minor version on Linux for one architecture and glibc.

    >>> Platform.of("3.12", "arm64", "2.28").describe()
    'CPython 3.12 on Linux arm64 (manylinux2014_aarch64 to manylinux_2_28_aarch64)'
    """

    python_version: str
    architecture: str
    glibc: str

    @classmethod
    def of(cls, python_version: str, architecture: str, glibc: str) -> Platform:
        """Validate the three parts; a :class:`BundleError` names the bad one and what is allowed."""
        match = _PYTHON.match(python_version)
        if match is None or int(match.group(1)) < 8:
            raise BundleError(
                f"python_version {python_version!r} is not a CPython 3 minor version; expected e.g. '3.12'"
            )
        if architecture not in MACHINES:
            choices = ", ".join(repr(a) for a in MACHINES)
            raise BundleError(f"architecture {architecture!r} is not supported; expected one of {choices}")
        glibc_match = _GLIBC.match(glibc)
        if glibc_match is None or int(glibc_match.group(1)) < 17:
            raise BundleError(
                f"glibc {glibc!r} is not a supported glibc version; expected '2.17' (manylinux2014) or newer"
            )
        return cls(python_version, architecture, glibc)

    @property
    def machine(self) -> str:
        return MACHINES[self.architecture]

    @property
    def abi(self) -> str:
        """The CPython ABI tag, e.g. ``cp312``."""
        return "cp" + self.python_version.replace(".", "")

    @property
    def tags(self) -> tuple[str, ...]:
        """Platform tags for ``pip --platform``, newest first.

        pip does not expand ``manylinux_2_28`` to older tags, so every glibc level is listed;
        ``manylinux2014_x86_64`` makes pip add ``manylinux2010`` and ``manylinux1`` itself.
        """
        newest = int(self.glibc.split(".")[1])
        levels = range(newest, _OLDEST_GLIBC[self.machine] - 1, -1)
        return (*(f"manylinux_2_{n}_{self.machine}" for n in levels), f"manylinux2014_{self.machine}")

    def marker_environment(self) -> dict[str, str]:
        """Environment-marker values of the target (PEP 508), e.g. for ``tomli; python_version < "3.11"``."""
        full = f"{self.python_version}.0"
        return {
            "python_version": self.python_version, "python_full_version": full,
            "implementation_name": "cpython", "implementation_version": full,
            "platform_python_implementation": "CPython", "os_name": "posix", "sys_platform": "linux",
            "platform_system": "Linux", "platform_machine": self.machine,
        }

    def describe(self) -> str:
        oldest = f"manylinux2014_{self.machine}"
        newest = f"manylinux_{self.glibc.replace('.', '_')}_{self.machine}"
        span = oldest if self.glibc == "2.17" else f"{oldest} to {newest}"
        return f"CPython {self.python_version} on Linux {self.architecture} ({span})"
