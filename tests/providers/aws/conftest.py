"""Fixtures for the AWS provider: a project folder with handler code, plans under Pulumi mocks, and a
moto server on 127.0.0.1 for the runtime clients."""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from portable.model import Stack
from portable.plan import Plan, plan_stack
from tests.emulators import moto_server as moto_server

HANDLERS = '''\
def handle(event, ctx):
    return {"ok": True}
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A stack root whose ``src`` holds the handler ``app.handlers:handle``."""
    package = tmp_path / "src" / "app"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "handlers.py").write_text(HANDLERS)
    return tmp_path


PlanFor = Callable[..., Plan]


@pytest.fixture
def plan_for(project: Path) -> PlanFor:
    """``plan_for(stack, **config)``: the stack planned on AWS (region eu-west-1 unless configured)."""

    def plan(stack: Stack, **config: str) -> Plan:
        return plan_stack(stack, "aws", project, config={"aws:region": "eu-west-1", **config})

    return plan


# -- moto (the server itself is tests.emulators.moto_server) -----------------------------------------


@pytest.fixture
def aws_env(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Dummy credentials and AWS_ENDPOINT_URL pointing at an emptied moto; fresh boto3 clients."""
    from providers.aws import clients

    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST"), timeout=10).close()

    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    clients.reset()
    yield moto_server
    clients.reset()
