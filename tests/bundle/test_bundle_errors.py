"""User mistakes get a BundleError that names the thing, the bad value and what to do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from portable.bundle import BundleError, BundleSpec, build_bundle
from portable.errors import PortableError

SpecFactory = Callable[..., BundleSpec]

VENDOR = "or vendor it: build it for this platform, put it into the source folder and drop it from the requirements."


def test_a_requirement_without_a_wheel_names_the_package_and_the_platform(
    make_spec: SpecFactory, tmp_path: Path
) -> None:
    with pytest.raises(BundleError) as caught:
        build_bundle(make_spec(requirements=("nowheel",)), tmp_path / "cache")

    assert isinstance(caught.value, PortableError)
    assert str(caught.value) == (
        "Function 'api' needs 'nowheel', but no wheel of 'nowheel' exists for "
        "CPython 3.12 on Linux x86_64 (manylinux2014_x86_64 to manylinux_2_28_x86_64)"
    )
    assert caught.value.hint == (
        "Pin a version of 'nowheel' that ships manylinux wheels for cp312 x86_64 (or a pure-Python wheel), " + VENDOR
    )


def test_a_transitive_requirement_without_a_wheel_names_who_needs_it(make_spec: SpecFactory, tmp_path: Path) -> None:
    spec = make_spec(requirements=("needs-sdist",), architecture="arm64", python_version="3.13", glibc="2.17")

    with pytest.raises(BundleError) as caught:
        build_bundle(spec, tmp_path / "cache")

    assert str(caught.value) == (
        "Function 'api' needs 'nowheel>=0.5' (required by 'needs-sdist'), but no wheel of 'nowheel' exists for "
        "CPython 3.13 on Linux arm64 (manylinux2014_aarch64)"
    )


def test_a_version_without_a_wheel_lists_the_versions_that_have_one(make_spec: SpecFactory, tmp_path: Path) -> None:
    with pytest.raises(BundleError) as caught:
        build_bundle(make_spec(requirements=("tinydep>=2",), name=""), tmp_path / "cache")

    assert str(caught.value) == (
        "The function needs 'tinydep>=2', but the versions of 'tinydep' with a wheel for "
        "CPython 3.12 on Linux x86_64 (manylinux2014_x86_64 to manylinux_2_28_x86_64) are: 1.0"
    )
    assert caught.value.hint == "Require one of those versions, " + VENDOR


def test_a_failed_install_leaves_nothing_in_the_cache(make_spec: SpecFactory, tmp_path: Path) -> None:
    with pytest.raises(BundleError):
        build_bundle(make_spec(requirements=("nowheel",)), tmp_path / "cache")

    assert list((tmp_path / "cache" / "deps").iterdir()) == []
    assert not (tmp_path / "cache" / "bundles").exists()


@pytest.mark.parametrize(
    ("runtime_file", "heavy"),
    [
        ("portable/model", "portable/model"),
        ("portable/model/functions.py", "portable/model"),
        ("portable/cli/app.py", "portable/cli"),
        ("portable/plan", "portable/plan"),
        ("portable/bundle/build.py", "portable/bundle"),
        ("providers/aws/deploy", "providers/aws/deploy"),
        ("providers/gcp/deploy/function.py", "providers/gcp/deploy"),
    ],
)
def test_deploy_time_code_is_refused_in_the_runtime_shim(
    make_spec: SpecFactory, tmp_path: Path, runtime_file: str, heavy: str
) -> None:
    with pytest.raises(BundleError) as caught:
        build_bundle(make_spec(runtime_files=("portable/__init__.py", runtime_file)), tmp_path / "cache")

    assert str(caught.value) == (
        f"runtime file {runtime_file!r} is deploy-time code: {heavy!r} must not ship inside a function "
        "(it belongs to the deploy side and may import pydantic or Pulumi)"
    )


def test_a_folder_that_contains_deploy_time_code_is_refused(make_spec: SpecFactory, tmp_path: Path) -> None:
    with pytest.raises(BundleError) as caught:
        build_bundle(make_spec(runtime_files=("portable",)), tmp_path / "cache")

    assert str(caught.value).startswith("runtime file 'portable' includes 'portable/")
    assert "which is deploy-time code" in str(caught.value)


def test_a_missing_runtime_file_is_named(make_spec: SpecFactory, tmp_path: Path) -> None:
    with pytest.raises(BundleError) as caught:
        build_bundle(make_spec(runtime_files=("providers/nowhere/runtime.py",)), tmp_path / "cache")

    assert str(caught.value).startswith("runtime file 'providers/nowhere/runtime.py' does not exist in '")


def test_a_missing_source_folder_is_named(make_spec: SpecFactory, tmp_path: Path) -> None:
    with pytest.raises(BundleError) as caught:
        build_bundle(make_spec(tmp_path / "missing"), tmp_path / "cache")

    assert str(caught.value) == f"Function 'api''s source folder '{tmp_path / 'missing'}' does not exist"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"architecture": "aarch64"}, "architecture 'aarch64' is not supported; expected one of 'x86_64', 'arm64'"),
        ({"python_version": "3"}, "python_version '3' is not a CPython 3 minor version; expected e.g. '3.12'"),
        ({"glibc": "2.12"}, "glibc '2.12' is not a supported glibc version; expected '2.17' (manylinux2014) or newer"),
        ({"extra_files": {"/etc/host.json": b""}},
         "extra file '/etc/host.json' is absolute; archive paths are relative to the archive root"),
        ({"extra_files": {"host.json": "{}"}}, "extra file 'host.json' must be bytes, not str"),
        ({"dependencies_dir": "../site-packages"}, "dependencies_dir '../site-packages' points outside the archive root"),
    ],
)
def test_a_bad_spec_is_refused(changes: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "source_dir": Path("src"), "requirements": (), "python_version": "3.12", "architecture": "x86_64",
        "runtime_files": (),
    }
    with pytest.raises(BundleError) as caught:
        BundleSpec(**{**fields, **changes})  # type: ignore[arg-type]

    assert str(caught.value) == message
