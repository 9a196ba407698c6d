"""The README's quick start stays true: CI runs its test command verbatim, and its first command
serves the example that exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    return [next(line for line in block.splitlines() if line and not line.startswith("#")) for block in blocks]


def test_quick_start_has_two_commands() -> None:
    commands = _quick_start_commands()
    assert len(commands) == 2, commands
    assert "portable dev examples/orders" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert _quick_start_commands()[1] in ci


def test_first_command_names_an_example_that_exists() -> None:
    assert (ROOT / "examples" / "orders" / "stack.py").is_file()
