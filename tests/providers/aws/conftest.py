"""Fixtures for the AWS provider: a project folder with handler code, plans under Pulumi mocks, and a
moto server on 127.0.0.1 for the runtime clients."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from portable.model import Stack
from portable.plan import Plan, plan_stack

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


# -- moto ---------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """``moto_server`` on 127.0.0.1 and a free port, for the session; yields its URL."""
    executable = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or shutil.which("moto_server")
    if executable is None:
        pytest.skip("moto_server is not installed; install the 'dev' extra (moto[server])")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [executable, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"moto_server did not start on {url}")
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
