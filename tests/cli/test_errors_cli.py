"""The shared error handling of every command (portable.cli.output), and ``--help`` everywhere."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from portable.cli import app
from portable.cli.output import fail, handle_errors, user_errors, warn
from portable.errors import PortableError, StackInvalid, UsageError
from portable.errors import Problem as P

demo = typer.Typer()


@demo.command()
@handle_errors
def run(kind: str, name: str = "x") -> None:
    """A command that fails the way it is told to."""
    if kind == "user":
        raise PortableError(f"Thing {name!r} is wrong", hint="Fix the thing.")
    if kind == "usage":
        raise UsageError("Bad argument")
    if kind == "stack":
        raise StackInvalid([P("a", "Queue 'jobs': bad"), P("b", "Topic 'events': worse")], subject="Stack 'shop'")
    if kind == "fail":
        raise fail("Could not do it", hint="Try again.", code=3)
    if kind == "block":
        with user_errors():
            raise PortableError("Inside a block")
    if kind == "warn":
        warn("Careful [with] brackets")
        return
    raise RuntimeError("a bug in portable")


@pytest.mark.parametrize(("kind", "code", "stderr"), [
    ("user", 1, "Error: Thing 'x' is wrong\nHint: Fix the thing.\n"),
    ("usage", 2, "Error: Bad argument\n"),
    ("stack", 1, "Error: Stack 'shop' has 2 problems:\n  - Queue 'jobs': bad\n  - Topic 'events': worse\n"),
    ("fail", 3, "Error: Could not do it\nHint: Try again.\n"),
    ("block", 1, "Error: Inside a block\n"),
    ("warn", 0, "Warning: Careful [with] brackets\n"),
])
def test_user_errors_print_error_and_hint(kind: str, code: int, stderr: str) -> None:
    result = CliRunner().invoke(demo, [kind])
    assert (result.exit_code, result.stderr, result.stdout) == (code, stderr, "")


def test_long_messages_are_not_wrapped() -> None:
    name = "n" * 200
    result = CliRunner().invoke(demo, ["user", "--name", name])
    assert result.stderr.splitlines()[0] == f"Error: Thing '{name}' is wrong"


def test_a_bug_keeps_its_traceback() -> None:
    result = CliRunner().invoke(demo, ["bug"])
    assert result.exit_code == 1
    assert isinstance(result.exception, RuntimeError)


def test_the_decorated_command_keeps_its_signature() -> None:
    result = CliRunner().invoke(demo, ["--help"])
    assert result.exit_code == 0
    assert "KIND" in result.stdout.upper() and "--name" in result.stdout


def _commands() -> list[str]:
    return sorted(c.name or c.callback.__name__ for c in app.registered_commands if c.callback is not None)


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout


def test_the_app_has_help() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "validate" in result.stdout and "schema" in result.stdout


def test_the_installed_command_never_shows_a_traceback(tmp_path: object) -> None:
    """A real process: the console script, a user mistake, exit 2 and no traceback."""
    result = subprocess.run(
        [sys.executable, "-c", "from portable.cli import main; main()", "validate", "does/not/exist.yaml"],
        capture_output=True, text=True, cwd=str(tmp_path), check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("Error: No file or folder 'does/not/exist.yaml' in ")
    assert "Traceback" not in result.stderr + result.stdout
