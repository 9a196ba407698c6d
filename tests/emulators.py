"""Emulators on 127.0.0.1 shared by the provider tests and the migrate tests: a moto server (AWS),
Azurite (Azure blob, queue, table), the Cloud Storage emulator and a Firestore emulator (Google Cloud).

Each is a session fixture; conftests import the ones they need. An emulator that cannot be
installed (no node, no network) skips the test that needs it, and the skip says why.

- moto: ``moto_server`` from the 'dev' extra.
- Azurite and the Firestore emulator: npm packages installed once under ``~/.cache/portable-test/npm``
  (never into the repository); the Firestore one is started with a wrapper that binds 127.0.0.1
  instead of its default 0.0.0.0.
- Cloud Storage: ``gcp-storage-emulator`` (PyPI), in this process.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import npm_emulators


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


# -- moto (AWS) -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """``moto_server`` on 127.0.0.1 and a free port, for the session; yields its URL."""
    executable = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or shutil.which("moto_server")
    if executable is None:
        pytest.skip("moto_server is not installed; install the 'dev' extra (moto[server])")
    port = free_port()
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


# -- Azurite (Azure) -------------------------------------------------------------------------------

AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def _azurite_binary() -> Path:
    npm_emulators.require("azurite")
    return npm_emulators.node_modules() / ".bin" / "azurite"


def _wait_for_azurite(port: int, process: subprocess.Popen[bytes], deadline: float) -> None:
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
    ports = {service: free_port() for service in ("blob", "queue", "table")}
    location = tmp_path_factory.mktemp("azurite")
    args = [str(binary), "--silent", "--location", str(location), "--skipApiVersionCheck", "--loose"]
    for service, port in ports.items():
        args += [f"--{service}Host", "127.0.0.1", f"--{service}Port", str(port)]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        for port in ports.values():
            _wait_for_azurite(port, process, deadline)
        endpoints = ";".join(
            f"{service.capitalize()}Endpoint=http://127.0.0.1:{port}/{AZURITE_ACCOUNT}" for service, port in ports.items()
        )
        yield f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};{endpoints};"
    finally:
        _stop(process)


# -- Google Cloud ----------------------------------------------------------------------------------

NPM_CACHE = npm_emulators.CACHE
FIRESTORE_LAUNCHER = """\
const grpc = require('@grpc/grpc-js');
const bind = grpc.Server.prototype.bindAsync;
grpc.Server.prototype.bindAsync = function (address, creds, cb) {
  return bind.call(this, address.replace(/^0\\.0\\.0\\.0:/, '127.0.0.1:'), creds, cb);
};
const { FirestoreServer } = require('@firestore-emulator/server');
const server = new FirestoreServer();
server.start(Number(process.argv[2])).then(() => console.log('ready'));
process.on('SIGTERM', () => { server.stop(); process.exit(0); });
"""


@pytest.fixture(scope="session")
def gcs_emulator() -> Iterator[str]:
    try:
        from gcp_storage_emulator.server import create_server
    except ImportError:
        pytest.skip("gcp-storage-emulator is not installed: pip install gcp-storage-emulator")
    port = free_port()
    server = create_server("127.0.0.1", port, in_memory=True)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def _install_firestore_emulator() -> Path:
    if shutil.which("node") is None:
        pytest.skip("the Firestore emulator needs Node.js, which is not on PATH")
    npm_emulators.require("firestore")
    launcher = NPM_CACHE / "portable-firestore-emulator.js"
    if not launcher.exists() or launcher.read_text() != FIRESTORE_LAUNCHER:
        written = launcher.with_name(f"{launcher.name}.{os.getpid()}")  # another worker may read it meanwhile
        written.write_text(FIRESTORE_LAUNCHER)
        written.replace(launcher)
    return launcher


@pytest.fixture(scope="session")
def firestore_emulator() -> Iterator[str]:
    launcher = _install_firestore_emulator()
    port = free_port()
    process = subprocess.Popen(
        ["node", str(launcher), str(port)], cwd=NPM_CACHE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"Firestore emulator did not start: {line!r} {process.stderr.read() if process.stderr else ''}")
        _wait_for_port(port)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


