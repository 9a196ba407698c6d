"""What every command prints: results on stdout, errors, hints and warnings on stderr.

Wrap a command in :func:`handle_errors` (a decorator) or :func:`user_errors` (a context manager): a
:class:`~portable.errors.PortableError` then prints ``Error: ...`` and ``Hint: ...`` on stderr and
exits 1 (2 for a :class:`~portable.errors.UsageError`), never with a traceback. Any other exception
is a bug in portable and keeps its traceback.

    @app.command()
    @handle_errors
    def plan(target: str) -> None:
        loaded = load_target(target)
        ...
        console.print(table)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from portable.errors import PortableError, Problem

console = Console(highlight=False)
"""Standard output: what a command produces."""

err_console = Console(stderr=True, highlight=False)
"""Standard error: errors, hints, warnings and progress."""

P = ParamSpec("P")
R = TypeVar("R")


def error(message: str, hint: str | None = None) -> None:
    """Print ``Error: message`` (and ``Hint: hint``) on stderr."""
    err_console.print(Text.assemble(("Error: ", "bold red"), message), soft_wrap=True)
    if hint:
        err_console.print(Text.assemble(("Hint: ", "bold"), hint), soft_wrap=True)


def warn(message: str) -> None:
    """Print ``Warning: message`` on stderr."""
    err_console.print(Text.assemble(("Warning: ", "bold yellow"), message), soft_wrap=True)


def warnings(problems: Iterable[Problem]) -> None:
    """Print each problem as a warning."""
    for problem in problems:
        warn(problem.message)


def fail(message: str, hint: str | None = None, code: int = 1) -> typer.Exit:
    """Print an error and return the ``typer.Exit`` to raise: ``raise fail("...", hint="...")``."""
    error(message, hint)
    return typer.Exit(code=code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a PortableError raised inside the block into ``Error:``/``Hint:`` on stderr and an exit code."""
    try:
        yield
    except PortableError as caught:
        error(caught.message, caught.hint)
        raise typer.Exit(code=caught.exit_code) from None


def handle_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Decorate a command so user errors print without a traceback (see :func:`user_errors`)."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with user_errors():
            return command(*args, **kwargs)

    return wrapper
