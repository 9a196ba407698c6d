"""Each function's code: the bundle built by portable.bundle, shipped as a Pulumi archive."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from aws_helpers import LAMBDA, function

from portable.bundle import Bundle, BundleSpec
from portable.bundle.shim import install_root
from portable.errors import PortableError
from portable.model import Stack


def test_the_code_is_the_cached_bundle_with_the_shim_and_without_deploy_code(plan_for: Any, project: Path) -> None:
    stack = Stack("shop")
    function(stack, "api")
    function(stack, "worker")
    plan = plan_for(stack)
    archives = {plan.get(LAMBDA, name).inputs["code"]["archive"] for name in ("api", "worker")}
    assert len(archives) == 1, "functions with the same code share one bundle"
    archive = archives.pop()
    assert archive.startswith(".portable/build/") and archive.endswith(".zip")
    names = set(zipfile.ZipFile(project / archive).namelist())
    assert {"app/handlers.py", "providers/aws/runtime.py", "providers/aws/contract.py", "providers/aws/clients.py",
            "portable/runtime/clients.py", "portable/__init__.py"} <= names
    assert not any(n.startswith(("portable/model/", "portable/plan/", "providers/aws/deploy/")) for n in names)


def test_bundles_leave_out_what_lambda_provides(monkeypatch: pytest.MonkeyPatch, plan_for: Any, tmp_path: Path) -> None:
    specs: list[BundleSpec] = []
    real = tmp_path / "code.zip"
    real.write_bytes(b"zip")

    def build(spec: BundleSpec, cache: Path) -> Bundle:
        specs.append(spec)
        return Bundle(real, "0" * 64, 3, 1, False)

    monkeypatch.setattr("portable.bundle.build_bundle", build)
    stack = Stack("shop")
    function(stack, runtime="3.13", architecture="arm64", requirements=("requests==2.32.3",))
    plan_for(stack)
    (spec,) = specs
    assert spec.exclude_packages == ("boto3", "botocore", "s3transfer")
    runtime = sorted(f"portable/runtime/{p.name}" for p in (install_root() / "portable" / "runtime").glob("*.py"))
    shims = sorted(f"providers/aws/{p.name}" for p in (install_root() / "providers" / "aws").glob("runtime*.py"))
    assert spec.runtime_files == tuple(sorted(
        [*runtime, *shims, "providers/aws/contract.py", "providers/aws/clients.py"]))
    assert (spec.python_version, spec.architecture, spec.requirements) == ("3.13", "arm64", ("requests==2.32.3",))
    assert spec.name == "api"


def test_a_bundle_over_50_mb_is_refused(monkeypatch: pytest.MonkeyPatch, plan_for: Any, tmp_path: Path) -> None:
    big = tmp_path / "big.zip"
    monkeypatch.setattr(
        "portable.bundle.build_bundle", lambda spec, cache: Bundle(big, "ab" * 32, 60_000_000, 9000, False, 200_000_000)
    )
    stack = Stack("shop")
    function(stack)
    with pytest.raises(PortableError) as caught:
        plan_for(stack)
    assert caught.value.message == (
        "Function 'api': its code bundle is too big for AWS Lambda (big.zip: 60.0 MB zipped (200.0 MB unpacked), "
        "9000 files, sha256 abababababab); Lambda accepts at most 50 MB zipped"
    )
    assert caught.value.hint is not None and "layer" in caught.value.hint
