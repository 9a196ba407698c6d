"""An unknown command lists the commands there are; the ones Pulumi owns point to Pulumi."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from portable.cli import app


def _commands() -> str:
    group = typer.main.get_command(app)
    names = sorted(group.list_commands(typer.Context(group)))
    assert {"validate", "plan", "dev", "invoke", "schema"} <= set(names)
    return ", ".join(names)


def test_deploy_points_to_pulumi_up() -> None:
    result = CliRunner().invoke(app, ["deploy", "examples/orders"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"Error: portable does not deploy: Pulumi does. The commands are: {_commands()}.\n"
        "Hint: Run 'pulumi up' in the folder with Pulumi.yaml; 'portable plan TARGET --provider P' shows what it "
        "would create.\n"
    )


@pytest.mark.parametrize(("typed", "guess"), [("valdate", " (did you mean 'validate'?)"), ("frobnicate", "")])
def test_an_unknown_command_lists_the_commands(typed: str, guess: str) -> None:
    result = CliRunner().invoke(app, [typed, "x"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: Unknown command {typed!r}{guess}. The commands are: {_commands()}.\n"
        "Hint: Run 'portable COMMAND --help' for what one command does.\n"
    )


def test_known_commands_and_options_still_work(orders_dir: Path) -> None:
    assert CliRunner().invoke(app, ["validate", str(orders_dir)]).exit_code == 0
    assert CliRunner().invoke(app, ["--help"]).exit_code == 0
