"""What goes into an archive: source, runtime shim, dependencies at dependencies_dir, generated files."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from portable.bundle import Bundle, BundleError, BundleSpec, build_bundle
from portable.bundle.shim import install_root

SourceFactory = Callable[..., Path]
SpecFactory = Callable[..., BundleSpec]

AZURE_SITE = ".python_packages/lib/site-packages"


def names(bundle: Bundle) -> list[str]:
    with zipfile.ZipFile(bundle.path) as archive:
        return archive.namelist()


def test_lists_source_runtime_dependencies_and_generated_files(make_spec: SpecFactory, tmp_path: Path) -> None:
    spec = make_spec(
        requirements=("tinydep",),
        dependencies_dir=AZURE_SITE,
        extra_files={"function_app.py": b"import azure.functions\n", "host.json": b'{"version": "2.0"}'},
    )

    bundle = build_bundle(spec, tmp_path / "cache")

    assert names(bundle) == [
        ".python_packages/",
        ".python_packages/lib/",
        ".python_packages/lib/site-packages/",
        ".python_packages/lib/site-packages/tinydep-1.0.dist-info/",
        ".python_packages/lib/site-packages/tinydep-1.0.dist-info/INSTALLER",
        ".python_packages/lib/site-packages/tinydep-1.0.dist-info/METADATA",
        ".python_packages/lib/site-packages/tinydep-1.0.dist-info/RECORD",
        ".python_packages/lib/site-packages/tinydep-1.0.dist-info/REQUESTED",
        ".python_packages/lib/site-packages/tinydep-1.0.dist-info/WHEEL",
        ".python_packages/lib/site-packages/tinydep/",
        ".python_packages/lib/site-packages/tinydep/__init__.py",
        "app/",
        "app/__init__.py",
        "app/api.py",
        "data/",
        "data/config.json",
        "function_app.py",
        "host.json",
        "portable/",
        "portable/__init__.py",
        "portable/errors.py",
    ]
    with zipfile.ZipFile(bundle.path) as archive:
        assert archive.read("host.json") == b'{"version": "2.0"}'
        assert archive.read("portable/errors.py") == (install_root() / "portable/errors.py").read_bytes()
        assert archive.read("app/api.py") == (spec.source_dir / "app/api.py").read_bytes()


def test_dependencies_go_to_the_archive_root_by_default(make_spec: SpecFactory, tmp_path: Path) -> None:
    bundle = build_bundle(make_spec(requirements=("tinydep",)), tmp_path / "cache")

    assert "tinydep/__init__.py" in names(bundle)
    assert "tinydep-1.0.dist-info/METADATA" in names(bundle)


def test_reports_size_file_count_and_a_summary(make_spec: SpecFactory, tmp_path: Path) -> None:
    bundle = build_bundle(make_spec(requirements=("tinydep",)), tmp_path / "cache")

    with zipfile.ZipFile(bundle.path) as archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
    assert bundle.size == bundle.path.stat().st_size
    assert bundle.files == len(infos) == 11
    assert bundle.unpacked_size == sum(info.file_size for info in infos)
    assert bundle.describe() == (
        f"{bundle.path.name}: {bundle.size / 1000:.1f} kB zipped ({bundle.unpacked_size / 1000:.1f} kB unpacked), "
        f"11 files, sha256 {bundle.sha256[:12]}"
    )
    assert build_bundle(make_spec(requirements=("tinydep",)), tmp_path / "cache").describe().endswith(", cached")


def test_leaves_out_caches_version_control_and_virtual_environments(
    make_source: SourceFactory, make_spec: SpecFactory
) -> None:
    source = make_source(files={
        "app/api.py": "",
        "app/__pycache__/api.cpython-312.pyc": "",
        "app/stale.pyc": "",
        ".git/HEAD": "ref: refs/heads/main\n",
        ".venv/lib/site.py": "",
        "env/pyvenv.cfg": "home = /usr/bin\n",
        "env/lib/big.py": "",
        ".portable/cache/old.zip": "",
        ".mypy_cache/x.json": "",
        "tests/test_api.py": "def test(): pass\n",
        ".env.example": "KEY=\n",
    })

    bundle = build_bundle(make_spec(source), source / "build-cache")

    assert [n for n in names(bundle) if not n.startswith("portable/")] == [
        ".env.example", "app/", "app/api.py", "tests/", "tests/test_api.py",
    ]


def test_merges_the_requirements_file_of_the_source_folder(
    make_source: SourceFactory, make_spec: SpecFactory, tmp_path: Path
) -> None:
    source = make_source(files={"app.py": "", "requirements.txt": "# deps\ntinydep  # pure python\n"})

    bundle = build_bundle(make_spec(source, requirements=("fake-sdk",)), tmp_path / "cache")

    assert {"requirements.txt", "tinydep/__init__.py", "fake_sdk/__init__.py"} <= set(names(bundle))


def test_excluded_packages_are_installed_but_not_bundled(make_spec: SpecFactory, tmp_path: Path) -> None:
    spec = make_spec(requirements=("tinydep", "fake-sdk"), exclude_packages=("Fake_SDK",))

    listed = names(build_bundle(spec, tmp_path / "cache"))

    assert "tinydep/__init__.py" in listed
    assert not [n for n in listed if n.startswith(("fake_sdk", "fake-sdk"))]


@pytest.mark.parametrize(("python_version", "with_tinydep"), [("3.12", False), ("3.13", True)])
def test_environment_markers_are_evaluated_for_the_target(
    make_spec: SpecFactory, tmp_path: Path, python_version: str, with_tinydep: bool
) -> None:
    spec = make_spec(requirements=("marked",), python_version=python_version)

    listed = names(build_bundle(spec, tmp_path / "cache"))

    assert "marked/__init__.py" in listed
    assert ("tinydep/__init__.py" in listed) is with_tinydep
    assert "fake_sdk/__init__.py" not in listed


def test_a_runtime_folder_brings_its_python_files_and_parent_packages(make_spec: SpecFactory, tmp_path: Path) -> None:
    bundle = build_bundle(make_spec(runtime_files=("portable/runtime",)), tmp_path / "cache")

    root = install_root()
    expected = sorted(p.relative_to(root).as_posix() for p in (root / "portable/runtime").rglob("*.py")
                      if "__pycache__" not in p.parts)
    shipped = [n for n in names(bundle) if n.startswith("portable/") and not n.endswith("/")]
    assert shipped == ["portable/__init__.py", *expected]


def test_an_archive_path_holds_one_file(make_spec: SpecFactory, tmp_path: Path) -> None:
    spec = make_spec(extra_files={"app/api.py": b"generated"})

    with pytest.raises(BundleError) as caught:
        build_bundle(spec, tmp_path / "cache")

    assert str(caught.value) == "'app/api.py' comes from both the source folder and the generated files"
