"""The Flex Consumption code package: layout, generated files, requirements."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from portable.bundle.closure import shipped_files
from portable.deploy import build_bundles
from portable.model import Http, Stack
from providers.azure.provider import AzureProvider

DEPENDENCIES_DIR = AzureProvider.bundle_dependencies_dir

ROOT = Path(__file__).resolve().parents[3]
RUNTIME_FILES = tuple(sorted(
    [*(f"portable/runtime/{p.name}" for p in (ROOT / "portable" / "runtime").glob("*.py")),
     *(f"providers/azure/{p.name}" for p in (ROOT / "providers" / "azure").glob("runtime*.py")),
     "providers/azure/clients.py", "providers/azure/contract.py", "providers/azure/table_client.py"]))
"""What an Azure function ships besides its code: the runtime, the shim, the clients and what they import."""


def _stack(tmp_path: Path) -> Stack:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def hello(request):\n    return 'hi'\n")
    stack = Stack("tiny")
    files = stack.bucket("files")
    stack.function("hello", handler="app:hello", source="src", triggers=[Http("GET", "/hello", public=True)],
                   links=[files.read()], requirements=("six==1.16.0",))
    return stack


def test_spec_layout_and_requirements(tmp_path: Path) -> None:
    stack = _stack(tmp_path)
    function = stack.functions[0]
    provider = AzureProvider()
    extra_files = provider.bundle_generated_files(stack, function)
    assert DEPENDENCIES_DIR == ".python_packages/lib/site-packages"
    assert (function.runtime, provider.bundle_platform(function)[0]) == ("3.12", "x86_64")
    assert shipped_files(provider.bundle_files()) == RUNTIME_FILES
    assert set(extra_files) == {"function_app.py", "host.json"}
    assert "@app.route(route='hello', methods=['GET'], auth_level=func.AuthLevel.ANONYMOUS)" in (
        extra_files["function_app.py"].decode())
    assert json.loads(extra_files["host.json"])["extensions"]["http"] == {"routePrefix": ""}
    assert (*function.requirements, *provider.bundle_requirements(function)) == (
        "six==1.16.0", "azure-functions>=1.20,<3", "azure-identity>=1.16,<2", "azure-storage-blob>=12.19,<13")


def test_built_package_puts_dependencies_under_python_packages(tmp_path: Path) -> None:
    missing = [f for f in RUNTIME_FILES if not (ROOT / f).exists()]
    if missing:
        pytest.fail(f"the Azure runtime shim is not there yet: {missing}")
    stack = _stack(tmp_path)
    function = stack.functions[0]
    bundle = build_bundles(stack, tmp_path, AzureProvider(), cache_dir=tmp_path / "cache")[function.name]
    names = set(zipfile.ZipFile(bundle.path).namelist())
    assert {"function_app.py", "host.json", "app.py", "providers/azure/runtime.py", "providers/azure/clients.py",
            "portable/runtime/__init__.py"} <= names
    assert f"{DEPENDENCIES_DIR}/six.py" in names
    assert any(n.startswith(f"{DEPENDENCIES_DIR}/azure/functions/") for n in names)
    assert not any(n.startswith(("portable/model/", "providers/azure/deploy/")) for n in names)
