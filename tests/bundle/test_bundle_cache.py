"""The cache: an unchanged function is not rebuilt, a code change does not re-run pip."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from portable.bundle import BundleSpec, build, build_bundle, pip

SpecFactory = Callable[..., BundleSpec]


def forbid_pip(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(command: list[str]) -> subprocess.CompletedProcess[str]:
        raise AssertionError(f"pip was called: {command}")

    monkeypatch.setattr(pip, "run_pip", fail)


def count_pip(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []
    real = pip.run_pip

    def counting(command: list[str]) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        return real(command)

    monkeypatch.setattr(pip, "run_pip", counting)
    return calls


def test_an_unchanged_input_returns_the_cached_archive_without_pip(
    make_spec: SpecFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = make_spec(requirements=("tinydep",))
    first = build_bundle(spec, tmp_path / "cache")
    forbid_pip(monkeypatch)
    monkeypatch.setattr(build, "write_zip", lambda *args: pytest.fail("the archive was rebuilt"))

    again = build_bundle(spec, tmp_path / "cache")

    assert again.cached
    assert (again.path, again.sha256, again.size, again.files) == (first.path, first.sha256, first.size, first.files)


def test_a_source_change_rebuilds_the_archive_but_not_the_dependencies(
    make_spec: SpecFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = make_spec(requirements=("tinydep",))
    first = build_bundle(spec, tmp_path / "cache")
    forbid_pip(monkeypatch)
    (spec.source_dir / "app" / "api.py").write_text("def handle(event, ctx):\n    return 'changed'\n")

    second = build_bundle(spec, tmp_path / "cache")

    assert not second.cached
    assert second.sha256 != first.sha256
    assert first.path.exists() and second.path != first.path


def test_every_input_is_part_of_the_key(make_spec: SpecFactory, tmp_path: Path) -> None:
    base = make_spec()
    variants = [
        make_spec(base.source_dir, extra_files={"host.json": b"{}"}),
        make_spec(base.source_dir, runtime_files=("portable/__init__.py",)),
        make_spec(base.source_dir, python_version="3.13"),
        make_spec(base.source_dir, architecture="arm64"),
        make_spec(base.source_dir, requirements=("tinydep",)),
        make_spec(base.source_dir, requirements=("tinydep",), dependencies_dir="lib"),
        make_spec(base.source_dir, requirements=("tinydep",), exclude_packages=("tinydep",)),
    ]
    first = build_bundle(base, tmp_path / "cache")

    paths = {build_bundle(spec, tmp_path / "cache").path for spec in variants}

    assert len(paths | {first.path}) == len(variants) + 1
    (base.source_dir / "data" / "new.txt").write_text("new")
    assert not build_bundle(base, tmp_path / "cache").cached


def test_a_requirement_change_runs_pip_once(
    make_spec: SpecFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_pip(monkeypatch)

    build_bundle(make_spec(requirements=("tinydep",)), tmp_path / "cache")
    build_bundle(make_spec(requirements=("tinydep", "fake-sdk")), tmp_path / "cache")
    build_bundle(make_spec(requirements=("fake-sdk", "tinydep")), tmp_path / "cache")

    assert len(calls) == 2


def test_refresh_rebuilds_everything(make_spec: SpecFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = make_spec(requirements=("tinydep",))
    first = build_bundle(spec, tmp_path / "cache")
    calls = count_pip(monkeypatch)

    again = build_bundle(spec, tmp_path / "cache", refresh=True)

    assert len(calls) == 1
    assert not again.cached and again.sha256 == first.sha256
