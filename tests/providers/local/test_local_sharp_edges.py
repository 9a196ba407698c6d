"""No sharp edges: bucket prefixes stay in the bucket, .portable/ is git-ignored and private, the admin
endpoints refuse other sites, the server limits connections, header time and blank lines, and a server
reachable from other machines or private routes are called out."""

from __future__ import annotations

import io
import json
import os
import select
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from rich.console import Console

from portable.model import Http, Schedule, Stack
from portable.runtime import bucket
from providers.local.buckets import BadObjectKey
from providers.local.console import banner, startup_warnings
from providers.local.server import HttpServer
from providers.local.stack import LocalStack
from tests.providers.local.conftest import Project

ROOT = Path(__file__).resolve().parents[3]


def _files_stack() -> Stack:
    stack = Stack("edges")
    stack.bucket("files")
    stack.bucket("other")
    return stack


def test_a_bucket_prefix_cannot_climb_out_of_the_bucket(project: Project) -> None:
    local = project.local(_files_stack())
    with local.admin():
        bucket("other").put("secret-name.txt", b"x")
        bucket("files").put("a/b.txt", b"y")
        assert bucket("files").list(prefix="a/") == ["a/b.txt"]
        for prefix in ("../other/", "../", "a/../../other/", "/etc/", "a//"):
            with pytest.raises(BadObjectKey) as caught:
                bucket("files").list(prefix=prefix)
            assert str(caught.value) == (
                f"bucket 'files': prefix {prefix!r} has an empty, '.' or '..' segment before its last '/'; "
                "use prefixes like 'receipts/2024/'"
            )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_portable_folder_is_git_ignored_and_state_files_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        local = LocalStack(_files_stack(), tmp_path, log_stream=None)
        with local.admin():
            bucket("files").put("r/1.json", b"{}")
        local.state.queues.send("jobs", b"x")
        local.close()
    finally:
        os.umask(old)
    assert (tmp_path / ".portable" / ".gitignore").read_text() == (
        "# Local state and secrets of `portable dev`: never commit them.\n*\n"
    )
    state = tmp_path / ".portable" / "state"
    assert _mode(state) == 0o700
    files = [p for p in state.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"queues.sqlite3", "tables.sqlite3", "1.json"}
    assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}
    if subprocess.run(["git", "--version"], capture_output=True).returncode == 0:
        subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
        (tmp_path / ".portable" / "secrets.env").write_text("PORTABLE_SECRET_X=1\n")
        shown = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=tmp_path,
                               capture_output=True, text=True, check=True).stdout
        assert ".portable" not in shown


def test_a_loose_secrets_file_is_warned_about(tmp_path: Path) -> None:
    secrets = tmp_path / ".portable" / "secrets.env"
    secrets.parent.mkdir()
    secrets.write_text("PORTABLE_SECRET_X=1\n")
    secrets.chmod(0o644)
    with LocalStack(_files_stack(), tmp_path, log_stream=None) as local:
        assert startup_warnings(local, "127.0.0.1") == [
            f"{secrets} is readable by other users (mode 0644); make it private with `chmod 600 {secrets}`"
        ]
        secrets.chmod(0o600)
        assert startup_warnings(local, "127.0.0.1") == []


RECORD = """
import os

def nightly(event):
    with open(os.environ["EDGE_RUNS"], "a") as f:
        f.write(event.name + "\\n")
"""


@pytest.fixture
def served(project: Project, monkeypatch: pytest.MonkeyPatch) -> LocalStack:
    project.write("record", RECORD)
    monkeypatch.setenv("EDGE_RUNS", str(project.root / "runs.txt"))
    stack = Stack("edges")
    stack.function("nightly", handler="record:nightly", source="src", triggers=[Schedule.cron("0 3 * * *", name="nightly")])
    return project.local(stack).start(serve=True, schedules=False)


def _port(local: LocalStack) -> int:
    return int(local.url.rsplit(":", 1)[1])


def _request(port: int, head: str) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode("latin-1") + b"\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data.split(b"\r\n\r\n", 1)[1]


def test_the_admin_endpoints_refuse_other_sites(served: LocalStack, project: Project) -> None:
    port = _port(served)
    post = "POST /_portable/schedules/nightly HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n"
    refused = {
        f"Host: evil.example:{port}\r\n": (
            f"Host 'evil.example:{port}' is not this server: the local admin endpoints answer to 127.0.0.1, localhost, "
            "::1 only"),
        f"Host: 127.0.0.1:{port}\r\nOrigin: https://evil.example\r\n": (
            f"cross-origin request from 'https://evil.example' refused: the local admin endpoints take requests from "
            f"http://127.0.0.1:{port} only"),
        f"Host: 127.0.0.1:{port}\r\nSec-Fetch-Site: cross-site\r\n": (
            "cross-site POST refused: the local admin endpoints take writes from this server's own pages only"),
    }
    for headers, message in refused.items():
        status, body = _request(port, post + headers)
        assert (status, json.loads(body)) == (403, {"error": message})
    assert not (project.root / "runs.txt").exists()
    for headers in (f"Host: 127.0.0.1:{port}\r\n", f"Host: localhost:{port}\r\nOrigin: http://localhost:{port}\r\n"
                    "Sec-Fetch-Site: same-origin\r\n"):
        status, body = _request(port, post + headers)
        assert (status, json.loads(body)) == (200, {"schedule": "nightly", "outcome": "ok"})
    assert (project.root / "runs.txt").read_text() == "nightly\nnightly\n"


def _ok(request: object) -> object:
    from portable.runtime.http import HttpResponse

    return HttpResponse.text("ok")


def _answer(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def test_connections_beyond_the_limit_get_503() -> None:
    server = HttpServer(_ok, max_connections=2)  # type: ignore[arg-type]
    server.start()
    try:
        idle = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(2)]
        time.sleep(0.2)
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as third:
            answer = _answer(third)
        assert answer.startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
        assert answer.endswith(b"\r\n\r\n503 Service Unavailable: more than 2 open connections\n")
        idle[0].close()
        time.sleep(0.2)
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as again:
            again.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert _answer(again).startswith(b"HTTP/1.1 200 OK\r\n")
        idle[1].close()
    finally:
        server.stop()


def test_headers_that_trickle_in_past_the_deadline_get_408() -> None:
    server = HttpServer(_ok, header_timeout=1.0)  # type: ignore[arg-type]
    server.start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            started = time.monotonic()
            for n in range(40):  # the server answers and closes while we still trickle
                if select.select([sock], [], [], 0.1)[0]:
                    break
                sock.sendall(b"x-slow-%d: 1\r\n" % n)
            answer = _answer(sock)
            assert time.monotonic() - started < 3.0
        assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
        assert answer.endswith(b"408 Request Timeout: request headers not received within 1 s\n")
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            time.sleep(1.2)  # idle before a request is no header time
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert _answer(sock).startswith(b"HTTP/1.1 200 OK\r\n")
    finally:
        server.stop()


@pytest.mark.parametrize(("request_bytes", "status", "message"), [
    (b"\r\n" * 9 + b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 400, b"more than 8 blank lines before the request line"),
    (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \xb2\r\n\r\nab", 400, b"bad content-length"),
    (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\xb9\r\n\r\nab", 400, b"bad content-length"),
])
def test_blank_lines_and_non_ascii_lengths_get_400(request_bytes: bytes, status: int, message: bytes) -> None:
    server = HttpServer(_ok)  # type: ignore[arg-type]
    server.start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(request_bytes)
            answer = _answer(sock)
        assert answer.startswith(b"HTTP/1.1 %d " % status)
        assert answer.endswith(message + b"\n")
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b"\r\n" * 8 + b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert _answer(sock).startswith(b"HTTP/1.1 200 OK\r\n")
    finally:
        server.stop()


PRIVATE_STACK = """
from portable import Http, Stack

stack = Stack("edges")
stack.function("api", handler="api:handle", triggers=[Http("POST", "/things"), Http("GET", "/open", public=True)])
"""


def test_private_routes_are_marked_in_the_banner(tmp_path: Path) -> None:
    stack = Stack("edges")
    stack.function("api", handler="api:handle", triggers=[Http("POST", "/things"), Http("GET", "/open", public=True)])
    with LocalStack(stack, tmp_path, log_stream=None) as local:
        lines = [Console(file=io.StringIO()).render_str(line).plain for line in banner(local, "http://127.0.0.1:8000")]
    assert lines == [
        "  POST   http://127.0.0.1:8000/things  -> api  (private: not authenticated locally)",
        "  GET    http://127.0.0.1:8000/open  -> api",
        "  dashboard http://127.0.0.1:8000/_portable/",
    ]


def test_dev_on_all_interfaces_warns_that_nothing_is_authenticated(tmp_path: Path) -> None:
    (tmp_path / "stack.py").write_text(textwrap.dedent(PRIVATE_STACK))
    (tmp_path / "api.py").write_text("def handle(request):\n    return 'ok'\n")
    portable = Path(sys.executable).parent / "portable"
    process = subprocess.Popen([str(portable), "dev", ".", "--port", "0", "--host", "0.0.0.0", "--no-reload"],
                               cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT),
                                               "COLUMNS": "300"})
    try:
        first = process.stdout.readline()  # type: ignore[union-attr]
        route = process.stdout.readline()  # type: ignore[union-attr]
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    assert first.startswith("portable dev: stack 'edges'")
    assert route.rstrip().endswith("/things  -> api  (private: not authenticated locally)")
    assert ("Warning: listening on 0.0.0.0: other machines can reach this server, and private routes and the admin "
            "endpoints are not authenticated locally") in err.splitlines()
