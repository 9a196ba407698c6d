"""Fixtures for the Azure provider tests: an Azurite (blob, queue, table) on free loopback ports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import npm_emulators

ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def _azurite_binary() -> Path:
    npm_emulators.require("azurite")
    return npm_emulators.node_modules() / ".bin" / "azurite"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Azurite exited with code {process.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"Azurite did not listen on 127.0.0.1:{port} within 30 s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Azurite ignores SIGTERM for several seconds: ask, then SIGKILL its process group."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=3)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running Azurite; yields its connection string (blob, queue and table endpoints)."""
    binary = _azurite_binary()
    ports = {service: _free_port() for service in ("blob", "queue", "table")}
    location = tmp_path_factory.mktemp("azurite")
    args = [str(binary), "--silent", "--location", str(location), "--skipApiVersionCheck", "--loose"]
    for service, port in ports.items():
        args += [f"--{service}Host", "127.0.0.1", f"--{service}Port", str(port)]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        for port in ports.values():
            _wait_for(port, process, deadline)
        endpoints = ";".join(
            f"{service.capitalize()}Endpoint=http://127.0.0.1:{port}/{ACCOUNT}" for service, port in ports.items()
        )
        yield f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};{endpoints};"
    finally:
        _stop(process)
