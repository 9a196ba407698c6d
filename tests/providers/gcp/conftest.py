"""Emulators and stubs for the Google Cloud runtime clients, all bound to 127.0.0.1.

- Cloud Storage: ``gcp-storage-emulator`` (PyPI), in this process.
- Firestore: the npm package ``@firestore-emulator/server``, installed once under
  ``~/.cache/portable-test/npm`` (never into the repository) and started with a wrapper that binds
  127.0.0.1 instead of its default 0.0.0.0.
- Pub/Sub and Secret Manager: no emulator runs here, so a gRPC stub in this process records what the
  real SDK clients send on the wire.

A test that needs an emulator which cannot be installed (no node, no network) is skipped, and the
skip says why.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path
from typing import Any

import pytest

from providers.gcp import clients

NPM_CACHE = Path.home() / ".cache" / "portable-test" / "npm"
FIRESTORE_PACKAGE = "@firestore-emulator/server@0.3.15"
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(autouse=True)
def _fresh_sdk_clients() -> Iterator[None]:
    clients.reset()
    yield
    clients.reset()


# -- Cloud Storage ------------------------------------------------------------------------------------


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


@pytest.fixture
def gcs(gcs_emulator: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A storage client talking to the emulator; STORAGE_EMULATOR_HOST is set for the test."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    monkeypatch.setenv("STORAGE_EMULATOR_HOST", gcs_emulator)
    return storage.Client(project="test-project", credentials=AnonymousCredentials())


# -- Firestore -----------------------------------------------------------------------------------------


def _install_firestore_emulator() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("the Firestore emulator needs Node.js and npm, which are not on PATH")
    package_dir = NPM_CACHE / "node_modules" / "@firestore-emulator" / "server"
    if not package_dir.exists():
        NPM_CACHE.mkdir(parents=True, exist_ok=True)
        manifest = NPM_CACHE / "package.json"
        if not manifest.exists():
            manifest.write_text('{"name": "portable-test-emulators", "private": true}\n')
        result = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", FIRESTORE_PACKAGE],
            cwd=NPM_CACHE, capture_output=True, text=True, timeout=300, check=False,
        )
        if result.returncode != 0 or not package_dir.exists():
            pytest.skip(f"the Firestore emulator ({FIRESTORE_PACKAGE}) could not be installed with npm: "
                        f"{result.stderr.strip()[-300:]}")
    launcher = NPM_CACHE / "portable-firestore-emulator.js"
    if not launcher.exists() or launcher.read_text() != FIRESTORE_LAUNCHER:
        launcher.write_text(FIRESTORE_LAUNCHER)
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


@pytest.fixture
def firestore_host(firestore_emulator: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", firestore_emulator)
    return firestore_emulator


# -- Pub/Sub and Secret Manager: gRPC stubs ---------------------------------------------------------------


class PubSubStub:
    """``google.pubsub.v1.Publisher/Publish`` that records each request and answers message ids."""

    def __init__(self) -> None:
        self.requests: list[Any] = []

    def publish(self, request: Any, context: Any) -> Any:
        from google.pubsub_v1.types import PublishResponse

        self.requests.append(request)
        first = sum(len(r.messages) for r in self.requests[:-1])
        return PublishResponse(message_ids=[str(1000 + first + i) for i in range(len(request.messages))])

    def handler(self) -> Any:
        import grpc
        from google.pubsub_v1.types import PublishRequest, PublishResponse

        return grpc.method_handlers_generic_handler(
            "google.pubsub.v1.Publisher",
            {"Publish": grpc.unary_unary_rpc_method_handler(
                self.publish, request_deserializer=PublishRequest.deserialize,
                response_serializer=PublishResponse.serialize)},
        )


class SecretStub:
    """``google.cloud.secretmanager.v1.SecretManagerService/AccessSecretVersion`` over fixed values."""

    def __init__(self, values: dict[str, bytes]) -> None:
        self.values = values
        self.names: list[str] = []

    def access(self, request: Any, context: Any) -> Any:
        import grpc
        from google.cloud.secretmanager_v1.types import AccessSecretVersionResponse, SecretPayload

        self.names.append(request.name)
        secret = request.name.rsplit("/versions/", 1)[0]
        if secret not in self.values:
            context.abort(grpc.StatusCode.NOT_FOUND, f"Secret [{secret}] not found")
        return AccessSecretVersionResponse(name=request.name, payload=SecretPayload(data=self.values[secret]))

    def handler(self) -> Any:
        import grpc
        from google.cloud.secretmanager_v1.types import (
            AccessSecretVersionRequest,
            AccessSecretVersionResponse,
        )

        return grpc.method_handlers_generic_handler(
            "google.cloud.secretmanager.v1.SecretManagerService",
            {"AccessSecretVersion": grpc.unary_unary_rpc_method_handler(
                self.access, request_deserializer=AccessSecretVersionRequest.deserialize,
                response_serializer=AccessSecretVersionResponse.serialize)},
        )


def _serve(handler: Any) -> tuple[Any, str]:
    import grpc

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, f"127.0.0.1:{port}"


@pytest.fixture
def pubsub_stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[PubSubStub]:
    """A Publisher stub; PUBSUB_EMULATOR_HOST points the real PublisherClient at it."""
    stub = PubSubStub()
    server, address = _serve(stub.handler())
    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", address)
    try:
        yield stub
    finally:
        server.stop(grace=None)


@pytest.fixture
def secret_stub() -> Iterator[tuple[SecretStub, Any]]:
    """A Secret Manager stub and a real SecretManagerServiceClient wired to it."""
    import grpc
    from google.cloud import secretmanager
    from google.cloud.secretmanager_v1.services.secret_manager_service.transports import (
        SecretManagerServiceGrpcTransport,
    )

    stub = SecretStub({"projects/test-project/secrets/api-key": b"s3cr\xc3\xa9t"})
    server, address = _serve(stub.handler())
    channel = grpc.insecure_channel(address)
    client = secretmanager.SecretManagerServiceClient(transport=SecretManagerServiceGrpcTransport(channel=channel))
    try:
        yield stub, client
    finally:
        channel.close()
        server.stop(grace=None)


# -- Pulumi mocks: plans through the shared plan machinery ----------------------------------------------

PLAN_CONFIG = {"gcp:project": "acme-orders", "gcp:region": "europe-west1"}


class Synth:
    """A plan of a stack on Google Cloud: ``synth.one(type, name)``, ``synth.all(type)``, ``synth.warnings``."""

    def __init__(self, plan: Any) -> None:
        self.plan = plan
        self.resources = plan.resources
        self.warnings = list(plan.notes)

    def all(self, typ: str) -> list[Any]:
        return list(self.plan.of_type(typ))

    def one(self, typ: str, name: str) -> Any:
        return self.plan.get(typ, name)

    def names(self, typ: str) -> list[str]:
        return sorted(r.name for r in self.all(typ))


def write_sources(stack: Any, root: Path) -> Path:
    """An empty handler module for each function, so the stack's source check passes."""
    for function in stack.functions:
        module = root / function.source / (function.module.replace(".", "/") + ".py")
        module.parent.mkdir(parents=True, exist_ok=True)
        module.write_text(f"def {function.handler.split(':')[1]}(event, ctx=None):\n    return None\n")
    return root


def synthesize(stack: Any, root: Path | None = None, config: dict[str, str] | None = None) -> Synth:
    """``portable.plan.plan_stack(stack, "gcp", ...)`` with placeholder code archives (nothing is built)."""
    import tempfile

    from portable.deploy import placeholder_bundles
    from portable.plan import plan_stack

    with placeholder_bundles():
        if root is None:
            with tempfile.TemporaryDirectory() as folder:
                return Synth(plan_stack(stack, "gcp", write_sources(stack, Path(folder)),
                                        config={**PLAN_CONFIG, **(config or {})}))
        return Synth(plan_stack(stack, "gcp", root, config={**PLAN_CONFIG, **(config or {})}))


@pytest.fixture(scope="session")
def synth() -> Any:
    return synthesize
