"""The neutral runtime: multi-dicts, routes, HTTP types, messages, dispatch, configuration, clients."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from portable.runtime import HttpRequest, HttpResponse, Message, ObjectEvent, ScheduleEvent, env
from portable.runtime.clients import bucket, clear_cache, queue, table
from portable.runtime.context import Context, child_of, from_cloud_trace, from_xray, valid_traceparent
from portable.runtime.dispatch import Function
from portable.runtime.errors import ConfigError, HandlerFailed, LinkError, MalformedEvent
from portable.runtime.multidict import Headers, MultiDict
from portable.runtime.routes import Router
from portable.runtime.urlcode import parse_query, unquote_plus

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_multidict_and_headers() -> None:
    q = MultiDict("a=1&b=x+y&a=%E2%82%AC&flag")
    assert (q["a"], q.get_all("a"), q["b"], q["flag"], q.get("zz")) == ("1", ["1", "€"], "x y", "", None)
    h = Headers({"Content-Type": "text/plain", "Set-Cookie": ["a=1", "b=2"]})
    assert h["content-type"] == "text/plain" and h.get_all("set-cookie") == ["a=1", "b=2"]
    h.add("X-A", "1")
    assert "x-a" in h and sorted(h) == ["content-type", "set-cookie", "x-a"]
    with pytest.raises(MalformedEvent, match="headers: X is missing or not a string"):
        Headers({"X": 5}).get("y")


def test_url_decoding_matches_urllib() -> None:
    from urllib.parse import parse_qsl
    from urllib.parse import unquote_plus as ref

    for text in ["my+photo%281%29.jpg", "%E2%82%AC", "%zz", "100%", "a%2", "%F0%9F%98%80"]:
        assert unquote_plus(text) == ref(text, errors="replace")
    qs = "a=1&a=2&b=%20c+d&e="
    assert [(k, v) for k, vs in parse_query(qs).items() for v in vs] == parse_qsl(qs, keep_blank_values=True)


def test_routes() -> None:
    router = Router([["GET", "/orders/{order_id}"], ["POST", "/orders"], ["ANY", "/files/{key+}"]])
    assert router.match("GET", "/orders/42") == ("GET /orders/{order_id}", {"order_id": "42"}, ())
    assert router.match("HEAD", "/orders/42")[0] == "GET /orders/{order_id}"
    assert router.match("POST", "/orders/") == ("POST /orders", {}, ())
    assert router.match("DELETE", "/orders/42") == (None, {}, ("GET",))
    assert router.match("GET", "/files/a/b.txt") == ("ANY /files/{key+}", {"key": "a/b.txt"}, ())
    assert router.match("GET", "/files") == (None, {}, ())
    with pytest.raises(ConfigError, match="not a \\[method, '/path'\\] pair"):
        Router([["GET"]])


def test_http_request_lazy_fields() -> None:
    r = HttpRequest("POST", "/x", "a=1&a=2", {"Cookie": "s=abc; t=1", "Content-Type": "application/json"},
                    "eyJrIjogMX0=", base64_body=True)
    assert (r.query.get_all("a"), r.cookies, r.body, r.json(), r.content_type) == (
        ["1", "2"], {"s": "abc", "t": "1"}, b'{"k": 1}', {"k": 1}, "application/json")
    bad = HttpRequest("POST", "/x", body="not base64!", base64_body=True)
    with pytest.raises(MalformedEvent, match="body"):
        _ = bad.body
    with pytest.raises(MalformedEvent, match="valid JSON"):
        HttpRequest("POST", "/x", body="{").json()
    assert HttpRequest(body=b"\xff").to_cloudevent()["data_base64"] == "/w=="


def test_http_response_bodies_and_cookies() -> None:
    r = HttpResponse.json({"a": 1}, 201, {"Location": "/a"})
    r.set_cookie("a", "1")
    r.set_cookie("b", "2", max_age=60)
    assert (r.status, r.content_type, r.body, r.body_text()) == (201, "application/json", b'{"a": 1}', '{"a": 1}')
    assert r.headers.get_all("set-cookie") == ["a=1; Path=/; Secure; HttpOnly; SameSite=Lax",
                                               "b=2; Max-Age=60; Path=/; Secure; HttpOnly; SameSite=Lax"]
    binary = HttpResponse(b"\x89PNG", headers={"content-type": "image/png"})
    assert binary.body_text() is None and binary.body == b"\x89PNG"
    assert HttpResponse("hé").parts() == ("text/plain; charset=utf-8", "hé", {})


def test_message_and_events() -> None:
    m = Message("aGk=", "m1", {"traceparent": TRACEPARENT}, "2", "1714566896000", "jobs", True)
    assert (m.body, m.text, m.delivery_attempt, m.enqueued_time.year, m.source) == (b"hi", "hi", 2, 2024, "jobs")
    assert m.to_cloudevent()["traceparent"] == TRACEPARENT
    with pytest.raises(MalformedEvent, match="delivery attempt"):
        Message("x", delivery_attempt="many").delivery_attempt  # noqa: B018
    o = ObjectEvent("receipts", "r/1.json", "deleted", time="2024-05-01T00:00:00Z")
    assert (o.deleted, o.size, o.to_cloudevent()["type"]) == (True, None, "portable.object.deleted")
    s = ScheduleEvent("nightly", "2024-05-01T03:00:00Z")
    assert (s.time.hour, s.to_cloudevent()["source"]) == (3, "portable:schedule/nightly")


def test_trace_context() -> None:
    assert valid_traceparent(TRACEPARENT) and not valid_traceparent(TRACEPARENT.upper())
    child = child_of(TRACEPARENT)
    assert child[3:35] == TRACEPARENT[3:35] and child[36:52] != TRACEPARENT[36:52]
    assert from_xray("Root=1-5e9f0c65-1de4d666d4dd26aced652b6c;Parent=53995c3f42cd8ad8;Sampled=1") == (
        "00-5e9f0c651de4d666d4dd26aced652b6c-53995c3f42cd8ad8-01")
    assert from_cloud_trace("4bf92f3577b34da6a3ce929d0e0e4736/1;o=1") == (
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000001-01")
    ctx = Context("f", "i", "local", traceparent="garbage")
    assert valid_traceparent(ctx.traceparent) and ctx.trace_id == ctx.traceparent[3:35]


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_http_dispatch_outcomes_and_log_lines() -> None:
    def handle(request: HttpRequest, ctx: Context) -> Any:
        if request.path_params["name"] == "boom":
            raise RuntimeError("secret detail")
        if request.path_params["name"] == "json":
            return request.json()
        return {"hi": request.path_params["name"], "cold": ctx.cold_start}

    log = io.StringIO()
    fn = Function("api", handle, routes=[["GET", "/hello/{name}"]], log_level="info", log_stream=log)
    first = fn.http(HttpRequest("GET", "/hello/ada", headers={"traceparent": TRACEPARENT}))
    assert (first.status, first.data) == (200, {"hi": "ada", "cold": True})
    assert fn.http(HttpRequest("GET", "/hello/bob")).data == {"hi": "bob", "cold": False}
    failed = fn.http(HttpRequest("GET", "/hello/boom"), fn.context("inv-500"))
    assert failed.status == 500 and b"secret" not in failed.body and b"Traceback" not in failed.body
    assert fn.http(HttpRequest("GET", "/hello/json", body="{")).status == 400
    assert fn.http(HttpRequest("GET", "/nope")).status == 404
    not_allowed = fn.http(HttpRequest("POST", "/hello/x"))
    assert (not_allowed.status, not_allowed.headers["allow"]) == (405, "GET")
    lines = _lines(log)
    assert len(lines) == 6
    assert lines[0]["trace_id"] == TRACEPARENT[3:35] and lines[0]["cold_start"] is True
    assert {k: lines[2][k] for k in ("function", "trigger", "outcome", "status", "invocation_id", "severity")} == {
        "function": "api", "trigger": "http", "outcome": "error", "status": 500, "invocation_id": "inv-500",
        "severity": "ERROR"}
    assert "secret detail" in lines[2]["traceback"] and isinstance(lines[2]["duration_ms"], float)
    assert [line["status"] for line in lines[3:]] == [400, 404, 405]


def test_by_default_only_failed_invocations_are_logged() -> None:
    log = io.StringIO()
    fn = Function("api", lambda r: 1 / 0 if r.path == "/boom" else "ok", log_stream=log)
    assert fn.http(HttpRequest("GET", "/")).status == 200
    assert fn.http(HttpRequest("GET", "/boom"), fn.context("inv-2")).status == 500
    assert fn.http(HttpRequest("GET", "/", body="x")).status == 200
    lines = _lines(log)
    assert [(line["severity"], line["outcome"], line["invocation_id"]) for line in lines] == [("ERROR", "error", "inv-2")]


def test_log_off_writes_nothing() -> None:
    log = io.StringIO()
    fn = Function("api", lambda r: 1 / 0, log_level="off", log_stream=log)
    assert fn.http(HttpRequest()).status == 500 and log.getvalue() == ""


def test_message_failures_carry_the_original_exception() -> None:
    seen: list[str] = []

    def handle(message: Message) -> None:
        if message.text == "bad":
            raise KeyError("missing")
        seen.append(message.text)

    fn = Function("worker", handle, log_level="off")
    fn.message(Message("ok", "1"))
    with pytest.raises(HandlerFailed) as info:
        fn.message(Message("bad", "2"))
    assert seen == ["ok"] and isinstance(info.value.original, KeyError) and info.value.__cause__ is info.value.original


def test_handler_reference_loading(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "rt_core_handler.py").write_text(
        "from portable.runtime import env\n"
        "def handle(request):\n    return env.get('PORTABLE_FUNCTION')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    fn = Function("a-function", "rt_core_handler:handle", log_level="off")
    assert fn.http(HttpRequest()).body == b"a-function"
    with pytest.raises(ConfigError, match="cannot import module 'nope'"):
        Function("x", "nope:handle").load()
    with pytest.raises(ConfigError, match=r"is not 'module\.path:function'"):
        Function("x", "nope").load()


def test_configuration_is_per_invocation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(env.FUNCTION, "from-process")
    one = Function("one", lambda r: env.get(env.FUNCTION), log_level="off")
    two = Function("two", lambda r: env.get(env.FUNCTION), log_level="off")
    assert (one.http(HttpRequest()).body, two.http(HttpRequest()).body) == (b"one", b"two")
    assert env.get(env.FUNCTION) == "from-process"
    with env.configured({env.LINKS: "{"}), pytest.raises(ConfigError, match="PORTABLE_LINKS is not valid JSON"):
        env.links()


class _Recorder:
    sent: list[tuple[Any, dict[str, str]]]  # set by the test: what every backend was asked to send

    def __init__(self, name: str, link: dict[str, Any]) -> None:
        pass

    def send(self, body: Any, attributes: dict[str, str]) -> str:
        self.sent.append((body, attributes))
        return "id-1"

    def get(self, key: Any) -> Any:
        return b"data"


def test_clients_check_links_and_propagate_the_trace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(env, "_loaders", {})
    monkeypatch.setattr(_Recorder, "sent", [], raising=False)
    env.register_backends("testcloud", lambda: {"queue": _Recorder, "bucket": _Recorder})
    clear_cache()
    links = {"jobs": {"kind": "queue", "access": "send", "id": "q"},
             "orders": {"kind": "table", "access": "read_write", "id": "t"},
             "receipts": {"kind": "bucket", "access": "read", "id": "b"}}
    results: dict[str, Any] = {}

    def handle(request: HttpRequest, ctx: Context) -> str:
        results["id"] = queue("jobs").send({"a": 1}, {"tenant": "acme"})
        results["traceparent"] = ctx.traceparent
        for call in (lambda: bucket("x"), lambda: bucket("receipts").put("k", b"v"), lambda: table("jobs")):
            try:
                call()
            except LinkError as e:
                results.setdefault("errors", []).append(str(e))
        results["get"] = bucket("receipts").get("k")
        return "ok"

    Function("api", handle, provider="testcloud", links=links, log_level="off").http(
        HttpRequest(headers={"traceparent": TRACEPARENT}))
    [(body, attributes)] = _Recorder.sent
    assert (results["id"], body, attributes["tenant"]) == ("id-1", '{"a":1}', "acme")
    assert attributes["traceparent"] == results["traceparent"] and attributes["traceparent"][3:35] == TRACEPARENT[3:35]
    assert results["errors"] == [
        "Function 'api' has no link to bucket 'x'. Linked: 'jobs' (queue, send), 'orders' (table, read_write), "
        "'receipts' (bucket, read). Add x.read_write() to its links.",
        "Function 'api' links bucket 'receipts' with access 'read', which does not allow put(). "
        "Link receipts.write() or .read_write() instead.",
        "Function 'api' has no link to table 'jobs' ('jobs' is linked as a queue). Linked: 'jobs' (queue, send), "
        "'orders' (table, read_write), 'receipts' (bucket, read). Add jobs.read_write() to its links.",
    ]
    assert results["get"] == b"data"
    clear_cache()


def test_a_provider_without_registered_clients_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(env, "_loaders", {})
    env.register_backends("testcloud", dict)
    clear_cache()
    links = json.dumps({"jobs": {"kind": "queue", "access": "send", "id": "q"}})
    with env.configured({env.PROVIDER: "othercloud", env.FUNCTION: "api", env.LINKS: links}), \
            pytest.raises(ConfigError) as caught:
        queue("jobs")
    assert str(caught.value) == (
        "No runtime clients are registered for provider 'othercloud' (PORTABLE_PROVIDER); registered: 'testcloud'. "
        "A provider's shim registers them with portable.runtime.env.register_backends."
    )
    clear_cache()
