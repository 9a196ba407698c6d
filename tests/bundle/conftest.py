"""Fixtures for the bundle tests: tiny distributions built on the spot, so pip runs offline."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from portable.bundle import BundleSpec

SourceFactory = Callable[..., Path]
SpecFactory = Callable[..., BundleSpec]


def make_wheel(folder: Path, name: str, version: str = "1.0", requires: tuple[str, ...] = ()) -> Path:
    """A pure-Python wheel ``<name>-<version>-py3-none-any.whl`` with one module, written to ``folder``."""
    module = name.replace("-", "_")
    dist_info = f"{module}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    metadata += "".join(f"Requires-Dist: {r}\n" for r in requires)
    files = {
        f"{module}/__init__.py": f"NAME = {name!r}\n".encode(),
        f"{dist_info}/METADATA": metadata.encode(),
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    rows = [f"{path},sha256={_digest(data)},{len(data)}" for path, data in files.items()]
    files[f"{dist_info}/RECORD"] = ("\n".join([*rows, f"{dist_info}/RECORD,,"]) + "\n").encode()
    wheel = folder / f"{module}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return wheel


def make_sdist(folder: Path, name: str, version: str = "1.0") -> Path:
    """A source-only distribution ``<name>-<version>.tar.gz``: pip cannot use it with --only-binary."""
    sdist = folder / f"{name}-{version}.tar.gz"
    files = {
        "PKG-INFO": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        "setup.py": f"from setuptools import setup\nsetup(name={name!r}, version={version!r})\n".encode(),
    }
    with tarfile.open(sdist, "w:gz") as archive:
        for path, data in files.items():
            info = tarfile.TarInfo(f"{name}-{version}/{path}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return sdist


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


@pytest.fixture(autouse=True)
def _hermetic_pip(monkeypatch: pytest.MonkeyPatch) -> None:
    """pip sees only the test's wheelhouse: no config files, no index or find-links from the environment."""
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    for name in ("PIP_FIND_LINKS", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_CONSTRAINT", "PIP_REQUIRE_VIRTUALENV"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheelhouse")
    make_wheel(folder, "tinydep")
    make_wheel(folder, "fake-sdk")
    make_wheel(folder, "needs-sdist", requires=("nowheel>=0.5",))
    make_sdist(folder, "nowheel")
    make_wheel(folder, "marked", requires=('tinydep; python_version == "3.13"', 'fake-sdk; sys_platform == "darwin"'))
    return folder


@pytest.fixture
def pip_args(wheelhouse: Path) -> tuple[str, ...]:
    return ("--no-index", "--find-links", str(wheelhouse))


@pytest.fixture
def make_source(tmp_path: Path) -> SourceFactory:
    """A function source folder with a handler module, a data file and clutter that must not ship."""

    def make(name: str = "src", files: dict[str, str] | None = None) -> Path:
        root = tmp_path / name
        default = {
            "app/__init__.py": "",
            "app/api.py": "def handle(event, ctx):\n    return 'hello'\n",
            "data/config.json": '{"greeting": "hello"}\n',
        }
        for path, text in (files if files is not None else default).items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        root.mkdir(exist_ok=True)
        return root

    return make


@pytest.fixture
def make_spec(make_source: SourceFactory, pip_args: tuple[str, ...]) -> SpecFactory:
    def make(source_dir: Path | None = None, **changes: object) -> BundleSpec:
        fields: dict[str, object] = {
            "source_dir": source_dir if source_dir is not None else make_source(),
            "requirements": (),
            "python_version": "3.12",
            "architecture": "x86_64",
            "runtime_files": ("portable/__init__.py", "portable/errors.py"),
            "pip_args": pip_args,
            "name": "api",
        }
        fields.update(changes)
        return BundleSpec(**fields)  # type: ignore[arg-type]

    return make
