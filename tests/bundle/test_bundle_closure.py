"""What ships inside a function: the listed patterns and, transitively, the modules they import."""

from __future__ import annotations

from pathlib import Path

import pytest

from portable.bundle import BundleError
from portable.bundle.closure import shipped_files


def _tree(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def test_imports_are_followed_but_type_only_imports_are_not(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "portable/__init__.py": "",
        "portable/runtime/__init__.py": "from portable.runtime.env import current\n",
        "portable/runtime/env.py": "import os\n",
        "portable/errors.py": "",
        "providers/__init__.py": "",
        "providers/acme/__init__.py": "",
        "providers/acme/runtime.py": (
            "from typing import TYPE_CHECKING\n"
            "from portable.runtime import env\n"
            "from . import helper\n"
            "if TYPE_CHECKING:\n    from providers.acme.deploy import program\n"
            "def lazy():\n    from providers.acme.later import thing\n"),
        "providers/acme/runtime_queue.py": "import json\n",
        "providers/acme/helper.py": "import boto3\n",
        "providers/acme/later.py": "thing = 1\n",
        "providers/acme/unused.py": "",
        "providers/acme/deploy/program.py": "import pulumi\n",
    })
    assert shipped_files(("providers/acme/runtime*.py",), root) == (
        "portable/runtime/__init__.py", "portable/runtime/env.py", "providers/acme/__init__.py", "providers/acme/helper.py",
        "providers/acme/later.py", "providers/acme/runtime.py", "providers/acme/runtime_queue.py",
    )


def test_a_folder_brings_its_python_files(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"portable/runtime/a.py": "", "portable/runtime/sub/b.py": "", "portable/runtime/c.txt": ""})
    assert shipped_files(("portable/runtime",), root) == ("portable/runtime/a.py", "portable/runtime/sub/b.py")


def test_a_pattern_that_matches_nothing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BundleError) as info:
        shipped_files(("providers/acme/runtime*.py",), tmp_path)
    assert info.value.message == f"runtime file pattern 'providers/acme/runtime*.py' matches nothing in '{tmp_path}'"


def test_each_cloud_ships_its_shim_its_clients_and_what_they_import() -> None:
    from portable.registry import get_provider

    extra = {
        name: {f for f in shipped_files(get_provider(name).bundle_files()) if not f.startswith("portable/runtime/")}
        for name in ("aws", "azure", "gcp")
    }
    assert extra["aws"] >= {"providers/aws/runtime.py", "providers/aws/contract.py", "providers/aws/clients.py"}
    assert "providers/azure/table_client.py" in extra["azure"]  # imported by azure/clients.py
    assert "providers/gcp/documents.py" in extra["gcp"]  # imported by gcp/clients.py
    assert "portable/errors.py" not in extra["gcp"]  # listed by hand before; no runtime module imports it
    assert not any("/deploy/" in f or f.endswith("mocks.py") for files in extra.values() for f in files)


def test_a_changed_or_added_module_is_seen_at_once(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"providers/acme/runtime.py": "", "providers/acme/helper.py": ""})
    assert shipped_files(("providers/acme/runtime*.py",), root) == ("providers/acme/runtime.py",)
    (root / "providers/acme/runtime.py").write_text("from providers.acme import helper\n")
    assert shipped_files(("providers/acme/runtime*.py",), root) == (
        "providers/acme/helper.py", "providers/acme/runtime.py")
    (root / "providers/acme/runtime_timer.py").write_text("")
    assert shipped_files(("providers/acme/runtime*.py",), root)[-1] == "providers/acme/runtime_timer.py"
