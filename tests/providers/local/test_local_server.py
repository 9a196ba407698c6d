"""The local HTTP server over real sockets: routing, methods, binary bodies, keep-alive, and 4xx for
malformed requests."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator

import pytest

from portable.model import Http, Stack
from providers.local.stack import LocalStack
from tests.providers.local.conftest import Project

ECHO = """
from portable.runtime import HttpResponse


def handle(request, ctx):
    if request.path == "/bytes":
        return HttpResponse(bytes(range(256)) * 4, headers={"content-type": "application/octet-stream"})
    return {
        "method": request.method, "path": request.path, "route": request.route, "params": request.path_params,
        "query": request.query.to_dict(), "body": request.body.hex(), "length": len(request.body),
        "header": request.headers.get("x-test"), "cookies": request.cookies,
    }
"""


@pytest.fixture
def server(project: Project) -> Iterator[LocalStack]:
    project.write("echo", ECHO)
    stack = Stack("web")
    stack.function("echo", handler="echo:handle", source="src", triggers=[
        Http("ANY", "/items/{item_id}"), Http("GET", "/files/{path+}"), Http("POST", "/upload"),
        Http("GET", "/bytes"),
    ])
    local = project.local(stack).start(serve=True)
    yield local


def _connection(local: LocalStack) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", int(local.url.rsplit(":", 1)[1]), timeout=10)


def _raw(local: LocalStack, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", int(local.url.rsplit(":", 1)[1])), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_every_method_reaches_an_any_route_with_its_path_parameters(server: LocalStack, method: str) -> None:
    connection = _connection(server)
    connection.request(method, "/items/42?expand=a&expand=b", body=b"x" if method != "GET" else None,
                       headers={"x-test": "yes", "cookie": "session=abc"})
    response = connection.getresponse()
    data = json.loads(response.read())
    assert response.status == 200
    assert data["method"] == method and data["params"] == {"item_id": "42"} and data["route"] == "ANY /items/{item_id}"
    assert data["query"] == {"expand": ["a", "b"]} and data["header"] == "yes" and data["cookies"] == {"session": "abc"}


def test_a_greedy_parameter_takes_the_rest_of_the_path(server: LocalStack) -> None:
    connection = _connection(server)
    connection.request("GET", "/files/a/b%20c/d.txt")
    assert json.loads(connection.getresponse().read())["params"] == {"path": "a/b c/d.txt"}


def test_binary_bodies_go_both_ways_unchanged(server: LocalStack) -> None:
    payload = bytes(range(256)) * 1000
    connection = _connection(server)
    connection.request("POST", "/upload", body=payload, headers={"content-type": "application/octet-stream"})
    data = json.loads(connection.getresponse().read())
    assert data["length"] == len(payload) and bytes.fromhex(data["body"]) == payload
    connection.request("GET", "/bytes")
    response = connection.getresponse()
    assert response.getheader("content-type") == "application/octet-stream"
    assert response.read() == bytes(range(256)) * 4


def test_a_chunked_body_is_decoded(server: LocalStack) -> None:
    reply = _raw(server, b"POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                         b"3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 200 ")
    assert json.loads(reply.split(b"\r\n\r\n", 1)[1])["body"] == b"abcde".hex()


def test_keep_alive_serves_many_requests_on_one_connection(server: LocalStack) -> None:
    connection = _connection(server)
    for n in range(20):
        connection.request("PUT", f"/items/{n}", body=b"{}")
        assert json.loads(connection.getresponse().read())["params"] == {"item_id": str(n)}


def test_head_answers_without_a_body(server: LocalStack) -> None:
    reply = _raw(server, b"HEAD /bytes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    head, _, body = reply.partition(b"\r\n\r\n")
    assert b"content-length: 1024" in head and body == b""


def test_unknown_paths_are_404_and_wrong_methods_405(server: LocalStack) -> None:
    connection = _connection(server)
    connection.request("GET", "/nothing")
    response = connection.getresponse()
    assert response.status == 404 and json.loads(response.read())["error"] == "no route for GET /nothing"
    connection.request("DELETE", "/upload")
    response = connection.getresponse()
    response.read()
    assert response.status == 405 and response.getheader("allow") == "POST"


@pytest.mark.parametrize(("request_bytes", "status"), [
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n", 400),
    (b"GET\r\n\r\n", 400),
    (b"GET / HTTP/2.0\r\n\r\n", 505),
    (b"GET / FTP/1.0\r\n\r\n", 400),
    (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n", 414),
    (b"GET /bytes HTTP/1.1\r\n" + b"X-Big: " + b"b" * 9000 + b"\r\n\r\n", 431),
    (b"GET /bytes HTTP/1.1\r\n" + b"".join(b"X-%d: " % n + b"b" * 8000 + b"\r\n" for n in range(9)) + b"\r\n", 431),
    (b"GET /bytes HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % n for n in range(200)) + b"\r\n", 431),
    (b"POST /upload HTTP/1.1\r\nContent-Length: abc\r\n\r\n", 400),
    (b"POST /upload HTTP/1.1\r\nContent-Length: -5\r\n\r\n", 400),
    (b"POST /upload HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
    (b"POST /upload HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", 413),
    (b"POST /upload HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
    (b"POST /upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
    (b"POST /upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
    (b"GET /bytes HTTP/1.1\r\nbad header line\r\n\r\n", 400),
    (b"GET /bytes HTTP/1.1\r\n folded: value\r\n\r\n", 400),
    (b"GET bytes HTTP/1.1\r\n\r\n", 400),
])
def test_malformed_requests_get_a_4xx_and_the_connection_closes(
    server: LocalStack, request_bytes: bytes, status: int
) -> None:
    reply = _raw(server, request_bytes)
    assert reply.startswith(b"HTTP/1.1 %d " % status), reply[:200]
    assert b"connection: close" in reply


def test_a_malformed_json_body_is_a_400_from_the_dispatcher(project: Project) -> None:
    project.write("strict", "def handle(request):\n    return request.json()\n")
    stack = Stack("strict")
    stack.function("strict", handler="strict:handle", source="src", triggers=[Http("POST", "/")])
    local = project.local(stack)
    assert local.http("POST", "/", body="{nope").status == 400


def test_the_server_survives_garbage_and_keeps_serving(server: LocalStack) -> None:
    for _ in range(5):
        _raw(server, b"\x00\x01\x02\r\n\r\n")
    connection = _connection(server)
    connection.request("GET", "/items/1")
    assert connection.getresponse().status == 200
