"""``portable validate``: a summary on success; ``Error:``/``Hint:`` and exit 1 or 2 otherwise, never a traceback."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import ClassVar

import pytest
from typer.testing import CliRunner, Result

from portable import registry
from portable.cli import app
from portable.limits import Limit, ProviderLimits


def _run(*args: str) -> Result:
    result = CliRunner().invoke(app, ["validate", *args])
    assert "Traceback" not in result.output
    return result


def test_the_example_is_valid(orders_dir: Path) -> None:
    result = _run(str(orders_dir))
    assert result.exit_code == 0, result.output
    assert "Stack 'orders' is valid: 5 functions, 5 resources." in result.stdout
    for name in ("api", "receipt-worker", "receipt-indexer", "audit-log", "nightly-report"):
        assert name in result.stdout
    assert "Resources: bucket receipts, queue receipt-jobs, topic order-events, table orders, secret " \
           "receipt-signing-key" in result.stdout
    assert result.stderr == ""


def test_the_yaml_example_is_valid(orders_dir: Path) -> None:
    result = _run(str(orders_dir / "stack.yaml"))
    assert result.exit_code == 0, result.output
    assert f"Stack 'orders' ({orders_dir / 'stack.yaml'})" in result.stdout


@pytest.mark.parametrize(("provider", "title"), [("aws", "AWS Lambda"), ("azure", "Azure Flex Consumption"), ("gcp", "Google Cloud Run"), ("local", "local (this machine)")])
def test_valid_for_a_provider(orders_dir: Path, provider: str, title: str) -> None:
    result = _run(str(orders_dir), "--provider", provider)
    assert result.exit_code == 0, result.output
    assert f"Stack 'orders' is valid for {title}: 5 functions, 5 resources." in result.stdout


def test_a_provider_limit_is_an_error(tmp_path: Path) -> None:
    stack = tmp_path / "stack.yaml"
    stack.write_text(
        "name: shop\n"
        "functions:\n"
        "  - {name: resize, handler: 'app:run', memory: 1024,\n"
        "     triggers: [{kind: schedule, expression: '0 3 * * *', timezone: Europe/Paris}]}\n"
    )
    result = _run(str(stack), "--no-sources", "-p", "azure")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: Stack 'shop' on Azure Flex Consumption has 2 problems:\n")
    assert "  - Function 'resize': Azure Flex Consumption allows memory 512, 2048 or 4096 MB; got 1024" in result.stderr
    assert "  - Function 'resize': Azure Functions timers run in UTC, and 'Europe/Paris' changes its UTC offset" \
        in result.stderr


class _Strict(registry.Provider):
    name: ClassVar[str] = "strict"
    title: ClassVar[str] = "Strict"

    def limits(self) -> ProviderLimits:
        return ProviderLimits(
            name="strict", title="Strict Cloud", http_timeout=Limit(10, "it hands long requests elsewhere", hard=False)
        )


def test_warnings_go_to_stderr(orders_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("strict_portable_provider")
    module.Strict = _Strict  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "strict_portable_provider", module)
    monkeypatch.setitem(registry.BUILT_IN, "strict", "strict_portable_provider:Strict")
    result = _run(str(orders_dir), "--provider", "strict")
    assert result.exit_code == 0, result.output
    assert result.stderr == "Warning: Function 'api': timeout 30 s is above 10 s: it hands long requests elsewhere\n"
    assert "is valid for Strict Cloud" in result.stdout


def test_an_invalid_yaml_stack(tmp_path: Path) -> None:
    (tmp_path / "stack.yaml").write_text("name: shop\nfunctions:\n  - name: api\n    handler: app:run\n    memory: 64\n")
    result = _run(str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: Stack 'shop' in {tmp_path / 'stack.yaml'} has 1 problem:\n"
        "  - Function 'api': memory must be at least 128; got 64 (stack.yaml line 5)\n"
    )


def test_a_missing_target_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = _run("nope")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: No file or folder 'nope' in {tmp_path}\n"
        "Hint: Give a stack file (stack.py, stack.yaml, stack.json), a folder holding one, or module:attribute "
        "(e.g. 'app.stack:stack').\n"
    )


def test_an_unknown_provider_is_a_usage_error(orders_dir: Path) -> None:
    result = _run(str(orders_dir), "--provider", "ibm")
    assert result.exit_code == 2
    assert result.stderr == "Error: Unknown provider 'ibm'\nHint: Use one of: aws, azure, gcp, local.\n"


def test_missing_handlers_are_reported_unless_skipped(tmp_path: Path) -> None:
    (tmp_path / "stack.yaml").write_text("name: shop\nfunctions:\n  - {name: api, handler: 'app.api:handle'}\n")
    result = _run(str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: Stack 'shop' has 1 problem:\n  - Function 'api': handler module 'app.api' not found in source folder '.'"
    )
    assert _run(str(tmp_path), "--no-sources").exit_code == 0


def test_a_crash_in_the_stack_file_shows_the_users_line(tmp_path: Path) -> None:
    path = tmp_path / "stack.py"
    path.write_text("from portable import Stack\nstack = Stack('shop')\nstack.bucket(nme='x')\n")
    result = _run(str(path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: Loading '{path}' failed: TypeError: Stack.bucket() got an unexpected keyword argument 'nme'\n"
        f"Hint: Raised at {path}, line 3, in <module>: stack.bucket(nme='x')\n"
    )


def test_help() -> None:
    result = CliRunner().invoke(app, ["validate", "--help"])
    assert result.exit_code == 0
    assert "--provider" in result.stdout and "--no-sources" in result.stdout


@pytest.mark.parametrize("provider", [None, "aws"])
def test_an_options_key_that_names_no_provider_is_refused(tmp_path: Path, provider: str | None) -> None:
    """The model takes any options key; validating (and checking for a provider) refuses unknown names."""
    stack = tmp_path / "stack.yaml"
    stack.write_text("name: shop\nbuckets:\n  - name: receipts\n    options:\n      ibm: {storage_class: cold}\n")
    result = _run(str(stack), "--no-sources", *(["-p", provider] if provider else []))
    assert result.exit_code == 1
    subject = "Stack 'shop' on AWS Lambda" if provider else "Stack 'shop'"
    assert result.stderr.splitlines()[:2] == [
        f"Error: {subject} has 1 problem:",
        "  - Bucket 'receipts': options has an unknown key 'ibm'; use 'aws', 'azure', 'gcp' or 'local'",
    ]
