"""The errors portable raises for user mistakes.

Every user mistake is a :class:`PortableError`: it carries a message that names the object, the bad
value and what is allowed, and an optional hint. The CLI prints them as ``Error: ...`` without a
traceback; library users can catch them.

>>> error = PortableError("No stack in 'app.py'", hint="Create one with: stack = Stack('shop')")
>>> str(error), error.hint
("No stack in 'app.py'", "Create one with: stack = Stack('shop')")
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

Severity = Literal["error", "warning"]


class PortableError(Exception):
    """A user mistake, explained: ``message`` says what is wrong, ``hint`` how to fix it.

    ``exit_code`` is what the CLI exits with: 1 for a mistake in the stack or the code, 2 for a
    mistake in how the command was called.
    """

    exit_code: ClassVar[int] = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(PortableError):
    """The command line was wrong (an unknown option value, a target that cannot be found)."""

    exit_code: ClassVar[int] = 2


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a stack: where (a dotted path, named objects by name) and what.

    A ``warning`` does not stop a deploy; it says what the target will do differently.

    >>> str(Problem("functions.api.memory", "Function 'api': memory must be at least 128; got 64"))
    "Function 'api': memory must be at least 128; got 64"
    """

    path: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return self.message


class StackInvalid(PortableError):
    """A stack, or one object in it, failed validation. ``problems`` lists every finding.

    >>> print(StackInvalid([Problem("name", "Stack 'x': name 'x' is too short")], subject="Stack 'x'"))
    Stack 'x' has 1 problem:
      - Stack 'x': name 'x' is too short
    """

    def __init__(self, problems: list[Problem], subject: str = "Stack", hint: str | None = None) -> None:
        self.problems = problems
        self.subject = subject
        lines = "\n".join(f"  - {p.message}" for p in problems)
        plural = "s" if len(problems) != 1 else ""
        super().__init__(f"{subject} has {len(problems)} problem{plural}:\n{lines}", hint=hint)


class ProviderNotFound(PortableError):
    """No provider of that name is registered, or its extra is not installed."""
