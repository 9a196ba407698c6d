"""The OneDeploy publisher against a fake SCM endpoint on 127.0.0.1 (an http.server thread)."""

from __future__ import annotations

import hashlib
import io
import socket
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from providers.azure.deploy.publish import PUBLISH_PATH, Publisher, PublishFailed, scm_url

TOKEN = "eyJ0eXAiOiJKV1QifQ.test-token"


@dataclass
class Received:
    request_line: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeScm:
    """Answers each POST with the next of ``answers`` (status, headers, body); the last one repeats."""

    url: str
    answers: list[tuple[int, dict[str, str], bytes]] = field(default_factory=lambda: [(202, {}, b"")])
    received: list[Received] = field(default_factory=list)


@pytest.fixture
def scm() -> Iterator[FakeScm]:
    fake = FakeScm(url="")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            fake.received.append(Received(self.requestline, dict(self.headers.items()), body))
            status, headers, answer = fake.answers[min(len(fake.received), len(fake.answers)) - 1]
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def package() -> bytes:
    """A Flex package's shape: function_app.py, host.json and a dependency."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("function_app.py", "import azure.functions as func\napp = func.FunctionApp()\n")
        archive.writestr("host.json", '{"version": "2.0"}')
        archive.writestr(".python_packages/lib/site-packages/dep/__init__.py", "")
    return buffer.getvalue()


def publisher(scm: FakeScm, **kwargs: object) -> tuple[Publisher, list[float]]:
    waits: list[float] = []
    return Publisher("orders-api-1a2b3c", token=lambda: TOKEN, base_url=scm.url, backoff=0.5,
                     sleep=waits.append, **kwargs), waits  # type: ignore[arg-type]


def test_the_default_endpoint_is_the_apps_scm_site() -> None:
    assert Publisher("orders-api-1a2b3c").url == (
        "https://orders-api-1a2b3c.scm.azurewebsites.net/api/publish?type=zip&RemoteBuild=false")
    assert scm_url("x") == "https://x.scm.azurewebsites.net"


def test_publish_posts_the_zip_with_a_bearer_token(scm: FakeScm, package: bytes) -> None:
    client, waits = publisher(scm)
    assert client.publish(package) == 202
    [request] = scm.received
    assert request.request_line == f"POST {PUBLISH_PATH} HTTP/1.1"
    assert request.request_line == "POST /api/publish?type=zip&RemoteBuild=false HTTP/1.1"
    assert request.headers["Content-Type"] == "application/zip"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Length"] == str(len(package))
    assert request.body == package
    assert waits == []


def test_a_refusal_names_the_app_and_the_status_and_is_not_retried(scm: FakeScm, package: bytes) -> None:
    scm.answers = [(403, {}, b'{"Message": "The client does not have authorization"}')]
    client, waits = publisher(scm)
    with pytest.raises(PublishFailed) as caught:
        client.publish(package)
    assert str(caught.value) == (
        "Publishing the package to Function App 'orders-api-1a2b3c' failed after 1 attempt: HTTP 403 Forbidden: "
        '{"Message": "The client does not have authorization"}')
    assert caught.value.hint == (
        f"Check that the app exists and that your Azure identity may deploy to it ({scm.url}{PUBLISH_PATH}); "
        "run `pulumi up` again to retry.")
    assert len(scm.received) == 1 and waits == []


def test_busy_answers_are_retried_with_backoff_then_succeed(scm: FakeScm, package: bytes) -> None:
    scm.answers = [(503, {}, b"starting"), (429, {"Retry-After": "7"}, b""), (502, {}, b""), (200, {}, b"")]
    client, waits = publisher(scm)
    assert client.publish(package) == 200
    assert len(scm.received) == 4 and all(r.body == package for r in scm.received)
    assert waits == [0.5, 7.0, 2.0]  # backoff doubles; Retry-After wins when the server sends one


def test_the_last_busy_answer_fails_with_the_status(scm: FakeScm, package: bytes) -> None:
    scm.answers = [(500, {}, b"Internal Server Error")]
    client, waits = publisher(scm, attempts=3)
    with pytest.raises(PublishFailed, match=r"^Publishing the package to Function App 'orders-api-1a2b3c' failed "
                                            r"after 3 attempts: HTTP 500 Internal Server Error: Internal Server Error$"):
        client.publish(package)
    assert len(scm.received) == 3 and waits == [0.5, 1.0]


def test_a_connection_error_is_retried_then_reported(package: bytes) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"  # nothing listens once the probe closes
    waits: list[float] = []
    client = Publisher("orders-api-1a2b3c", token=lambda: TOKEN, base_url=closed, attempts=2, backoff=0.25,
                       sleep=waits.append)
    with pytest.raises(PublishFailed, match=r"^Publishing the package to Function App 'orders-api-1a2b3c' failed "
                                            r"after 2 attempts: no answer \(\[Errno 111\] Connection refused\)$"):
        client.publish(package)
    assert waits == [0.25]


def test_the_dynamic_provider_publishes_on_create_and_when_the_hash_changes(
        scm: FakeScm, package: bytes, tmp_path: Path) -> None:
    from providers.azure.deploy.publish_resource import OneDeployProvider

    path = tmp_path / "api.zip"
    path.write_bytes(package)
    digest = hashlib.sha256(package).hexdigest()
    props = {"app": "orders-api-1a2b3c", "package_path": str(path), "package_sha256": digest,
             "scm_base_url": scm.url}
    provider = OneDeployProvider(token=lambda: TOKEN)
    created = provider.create(props)
    outs = created.outs or {}
    assert created.id == "orders-api-1a2b3c" and outs["status"] == 202
    assert [r.body for r in scm.received] == [package]

    assert provider.diff("orders-api-1a2b3c", outs, props).changes is False
    changed = provider.diff("orders-api-1a2b3c", outs, {**props, "package_sha256": "0" * 64})
    assert changed.changes is True and changed.replaces == []

    newer = package + b"\0"
    path.write_bytes(newer)
    updated = provider.update("orders-api-1a2b3c", outs,
                              {**props, "package_sha256": hashlib.sha256(newer).hexdigest()})
    assert (updated.outs or {})["status"] == 202 and [r.body for r in scm.received] == [package, newer]


def test_the_dynamic_provider_refuses_a_package_that_changed_since_planning(
        scm: FakeScm, package: bytes, tmp_path: Path) -> None:
    from providers.azure.deploy.publish_resource import OneDeployProvider

    path = tmp_path / "api.zip"
    path.write_bytes(package)
    actual = hashlib.sha256(package).hexdigest()
    with pytest.raises(PublishFailed) as caught:
        OneDeployProvider(token=lambda: TOKEN).create({"app": "orders-api-1a2b3c", "package_path": str(path),
                                                       "package_sha256": "f" * 64, "scm_base_url": scm.url})
    assert str(caught.value) == (f"The package for Function App 'orders-api-1a2b3c' at {path} has SHA-256 {actual}, "
                                 f"not the {'f' * 64} it was planned with")
    assert scm.received == []


def test_the_publish_modules_examples_run() -> None:
    import doctest

    from providers.azure.deploy import publish

    result = doctest.testmod(publish)
    assert result.attempted >= 2 and result.failed == 0
