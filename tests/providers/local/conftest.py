"""Helpers for the local provider's tests: a project folder with handler modules written on the fly."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from portable.model import Stack
from providers.local.queues import Backoff, QueueStore
from providers.local.stack import LocalStack

FAST = Backoff(base=0.01, cap=0.05)
"""Retries fast enough for tests."""


@dataclass
class Project:
    """A project folder: ``write`` puts a handler module in ``src/``; ``local`` runs a stack from it."""

    root: Path
    opened: list[LocalStack]

    def write(self, module: str, code: str) -> None:
        path = self.root / "src" / f"{module.replace('.', '/')}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(code))

    def local(self, stack: Stack, **options: object) -> LocalStack:
        options.setdefault("log_stream", None)
        options.setdefault("backoff", FAST)
        local = LocalStack(stack, self.root, self.root / "state", **options)  # type: ignore[arg-type]
        self.opened.append(local)
        return local


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    project = Project(tmp_path, [])
    yield project
    for local in project.opened:
        local.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[QueueStore]:
    store = QueueStore(tmp_path / "queues.sqlite3")
    yield store
    store.close()
