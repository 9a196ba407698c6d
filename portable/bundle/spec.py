"""BundleSpec: everything that goes into one function's code archive."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from portable.bundle.errors import BundleError
from portable.bundle.paths import archive_path
from portable.bundle.platforms import Platform


@dataclass(frozen=True)
class BundleSpec:
    """What to put in a function's archive, and for which platform.

    - ``source_dir``: the function's source folder (already resolved against the stack root); it goes
      to the archive root, without caches, VCS folders and virtual environments.
    - ``requirements``: requirement lines (the model's); a ``requirements.txt`` in ``source_dir`` is
      merged in by :func:`~portable.bundle.build_bundle`. Installed for the target platform.
    - ``python_version`` (``"3.12"``), ``architecture`` (``"x86_64"`` or ``"arm64"``) and ``glibc``
      (the oldest glibc of the target runtime: wheels up to ``manylinux_<glibc>`` are accepted).
    - ``runtime_files``: repository-relative paths of the runtime shim (``"portable/runtime"``,
      ``"providers/aws/runtime.py"``); folders are included recursively (``.py`` files only).
    - ``dependencies_dir``: where the installed requirements go: ``""`` is the archive root (AWS, GCP),
      Azure wants ``".python_packages/lib/site-packages"``.
    - ``extra_files``: generated files by archive path (Azure's ``function_app.py``, ``host.json``).
    - ``exclude_packages``: distributions to leave out although installed (``boto3`` on AWS).
    - ``pip_args``: extra pip options, e.g. ``("--no-index", "--find-links", "wheels")``.
    - ``name``: the function's name, used in error messages only.

    >>> spec = BundleSpec(Path("src"), ("requests==2.32.3",), "3.12", "arm64", ("portable/runtime",))
    >>> spec.platform.tags[-1]
    'manylinux2014_aarch64'
    """

    source_dir: Path
    requirements: tuple[str, ...]
    python_version: str
    architecture: str
    runtime_files: tuple[str, ...]
    dependencies_dir: str = ""
    extra_files: Mapping[str, bytes] = field(default_factory=dict)
    exclude_packages: tuple[str, ...] = ()
    pip_args: tuple[str, ...] = ()
    glibc: str = "2.28"
    name: str = ""

    def __post_init__(self) -> None:
        Platform.of(self.python_version, self.architecture, self.glibc)
        extras: dict[str, bytes] = {}
        for path, data in self.extra_files.items():
            if not isinstance(data, bytes):
                raise BundleError(
                    f"extra file {path!r} must be bytes, not {type(data).__name__}",
                    hint="Encode generated text first, e.g. text.encode().",
                )
            extras[archive_path(path, "extra file")] = data
        set_ = object.__setattr__
        set_(self, "source_dir", Path(self.source_dir))
        set_(self, "requirements", tuple(self.requirements))
        set_(self, "runtime_files", tuple(self.runtime_files))
        set_(self, "exclude_packages", tuple(self.exclude_packages))
        set_(self, "pip_args", tuple(self.pip_args))
        set_(self, "dependencies_dir", archive_path(self.dependencies_dir, "dependencies_dir", allow_empty=True))
        set_(self, "extra_files", MappingProxyType(extras))

    @property
    def platform(self) -> Platform:
        """The target platform: Python version, architecture and glibc."""
        return Platform.of(self.python_version, self.architecture, self.glibc)

    @property
    def subject(self) -> str:
        """How error messages name the function: ``Function 'api'`` or ``The function``."""
        return f"Function {self.name!r}" if self.name else "The function"
