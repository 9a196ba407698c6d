"""Emulators and stubs for the Google Cloud runtime clients, all bound to 127.0.0.1 (the emulator
processes themselves are shared fixtures in tests.emulators).

- Cloud Storage: ``gcp-storage-emulator`` (PyPI), in this process.
- Firestore: the npm package ``@firestore-emulator/server``, installed once by
  :mod:`tests.npm_emulators` (never into the repository) and started with a wrapper that binds
  127.0.0.1 instead of its default 0.0.0.0.
- Pub/Sub and Secret Manager: no emulator runs here, so a gRPC stub in this process records what the
  real SDK clients send on the wire.

A test that needs an emulator which cannot be installed (no node, no network) is skipped, and the
skip says why.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent import futures
from pathlib import Path
from typing import Any

import pytest

from providers.gcp import clients
from tests.emulators import firestore_emulator as firestore_emulator
from tests.emulators import gcs_emulator as gcs_emulator


@pytest.fixture(autouse=True)
def _fresh_sdk_clients() -> Iterator[None]:
    clients.reset()
    yield
    clients.reset()


# -- Cloud Storage ------------------------------------------------------------------------------------


@pytest.fixture
def gcs(gcs_emulator: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A storage client talking to the emulator; STORAGE_EMULATOR_HOST is set for the test."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    monkeypatch.setenv("STORAGE_EMULATOR_HOST", gcs_emulator)
    return storage.Client(project="test-project", credentials=AnonymousCredentials())


# -- Firestore -----------------------------------------------------------------------------------------


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
