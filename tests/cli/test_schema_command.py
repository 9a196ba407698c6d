"""``portable schema``: the JSON Schema on stdout or in a file."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from portable.cli import app
from portable.model import json_schema


def test_prints_the_schema() -> None:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json_schema()
    assert result.stderr == ""


def test_writes_the_schema_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "stack.schema.json"
    result = CliRunner().invoke(app, ["schema", "--output", str(target)])
    assert result.exit_code == 0
    assert json.loads(target.read_text()) == json_schema()
    assert result.stdout == f"Wrote the stack JSON Schema to {target}\n"


def test_an_unwritable_output_is_an_error(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "schema.json"
    result = CliRunner().invoke(app, ["schema", "-o", str(target)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: Cannot write the schema to '{target}': No such file or directory\n"
    assert "Traceback" not in result.output


def test_help() -> None:
    result = CliRunner().invoke(app, ["schema", "--help"])
    assert result.exit_code == 0
    assert "--output" in result.stdout
