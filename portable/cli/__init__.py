"""The ``portable`` command line: thin, it parses, calls the library and prints with rich.

Each command lives in its own module of this package and registers itself on ``app``.
"""

from __future__ import annotations

import importlib

from portable.cli.app import app

COMMANDS = ("validate", "schema", "plan", "dev", "invoke", "dead_letters", "cost", "check", "migrate")

for _command in COMMANDS:
    importlib.import_module(f"portable.cli.{_command}")


def main() -> None:
    app()
