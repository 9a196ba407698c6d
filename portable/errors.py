"""The errors portable raises for user mistakes.

Every user mistake is a :class:`PortableError`: it carries a message that names the object, the bad
value and what is allowed, and an optional hint. The CLI prints them as ``Error: ...`` without a
traceback; library users can catch them.
"""

from __future__ import annotations

from dataclasses import dataclass


class PortableError(Exception):
    """A user mistake, explained: ``message`` says what is wrong, ``hint`` how to fix it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a stack: where (a dotted path) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return self.message


class StackInvalid(PortableError):
    """A stack, or one object in it, failed validation. ``problems`` lists every finding."""

    def __init__(self, problems: list[Problem], subject: str = "stack") -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p.message}" for p in problems)
        plural = "s" if len(problems) != 1 else ""
        super().__init__(f"{subject} has {len(problems)} problem{plural}:\n{lines}")


class ProviderNotFound(PortableError):
    """No provider of that name is registered, or its extra is not installed."""
