"""The Cloud Run shim: every Google Cloud fixture -> neutral event (values read from the files), the WSGI
app end to end (HTTP, Pub/Sub push, Eventarc binary and structured, Cloud Scheduler), and property tests."""

from __future__ import annotations

import contextlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portable.runtime import HttpResponse
from portable.runtime.dispatch import Function
from portable.runtime.errors import EventError, UnsupportedEvent
from providers.gcp import contract
from providers.gcp import runtime as gcp

FIXTURES = Path(__file__).resolve().parents[4] / "shared" / "fixtures" / "events" / "gcp"
LINKS = {"shop-topic": {"kind": "topic", "access": "trigger", "id": "projects/test-project/topics/my-topic"},
         "uploads": {"kind": "bucket", "access": "trigger", "id": "some-bucket"}}
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def raw(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def environ(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None, query: str = "") -> dict[str, Any]:
    env: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
                           "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)), "REMOTE_ADDR": "10.0.0.1"}
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        env[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key] = value
    return env


def call(app: Any, env: dict[str, Any]) -> tuple[str, dict[str, str], bytes]:
    seen: list[Any] = []
    body = b"".join(app(env, lambda status, headers, exc_info=None: seen.append((status, headers))))
    return seen[0][0], dict(seen[0][1]), body


def recording(error: BaseException | None = None, routes: list[list[str]] | None = None) -> tuple[Any, list[Any]]:
    calls: list[Any] = []

    def handle(event: Any, ctx: Any) -> Any:
        calls.append((event, ctx))
        if error is not None:
            raise error
        return {"ok": True}

    return gcp.CloudRunApp(Function("fn", handle, provider="gcp", links=LINKS, routes=routes, log_level="off")), calls


# -------------------------------------------------------------------------------------- Pub/Sub ----
PUSH_CASES = {
    "pubsub-push-body-docs.json": ("2070443601311540", b"Hello Cloud Pub/Sub! Here is my message!", {"key": "value"},
                                   datetime(2021, 2, 26, 19, 13, 55, 749000, tzinfo=UTC)),
    "pubsub-push-body-captured-no-attributes.json": ("2451898607221267", b"ckmcslkmcsiocm", {},
                                                     datetime(2021, 5, 24, 17, 8, 3, 509000, tzinfo=UTC)),
    "pubsub-push-body-ff-python-raw-request.json": ("1215011316659232", b'{"foo":"bar"}', {"test": "123"}, None),
    "eventarc-pubsub-binary-body.json": ("message-id", b"test message 3", {"attr1": "attr1-value"},
                                         datetime(2021, 2, 5, 4, 6, 14, 109000, tzinfo=UTC)),
}


@pytest.mark.parametrize("name", sorted(PUSH_CASES))
def test_push_bodies(name: str) -> None:
    message = gcp.push_message(raw(name), "jobs")
    assert (message.id, message.body, dict(message.attributes), message.enqueued_time) == PUSH_CASES[name]
    assert (message.source, message.delivery_attempt) == ("jobs", None)


STRUCTURED_PUBSUB = {
    "eventarc-pubsub-structured-cloudevent.json": ("message-id", b"test message 3", {"attr1": "attr1-value"}, "shop-topic"),
    "eventarc-pubsub-structured-text.json": ("aaaaaa-1111-bbbb-2222-cccccccccccc", b"test message 3",
                                             {"attr1": "attr1-value"}, "gcf-test"),
    "eventarc-pubsub-structured-binary-data.json": ("aaaaaa-1111-bbbb-2222-cccccccccccc", b"\x01\x02\x03\x04", {}, "gcf-test"),
}


@pytest.mark.parametrize("name", sorted(STRUCTURED_PUBSUB))
def test_structured_pubsub_cloudevents(name: str) -> None:
    with_links = Function("fn", lambda e: None, links=LINKS, log_level="off")
    from portable.runtime import env

    with env.configured(with_links.config):
        message = gcp.structured_cloudevent(fixture(name)).message()
    assert (message.id, message.body, dict(message.attributes), message.source) == STRUCTURED_PUBSUB[name]


# -------------------------------------------------------------------------------------- Storage ----
@pytest.mark.parametrize(("filters", "delivered"), [
    ([{"events": ["created"], "prefix": "folder/", "suffix": ".cs"}], True),
    ([{"events": ["created"], "prefix": "other/", "suffix": ""}], False),
    ([{"events": ["deleted"], "prefix": "", "suffix": ""}], False),
    ([{"events": ["created"], "prefix": "", "suffix": ".txt"}, {"events": ["created"], "prefix": "fold", "suffix": ""}], True),
])
def test_object_events_outside_the_trigger_filters_are_acknowledged_unhandled(filters: list[Any], delivered: bool) -> None:
    calls: list[Any] = []
    links = {"uploads": {"kind": "bucket", "access": "trigger", "id": "some-bucket", "triggers": filters}}
    app = gcp.CloudRunApp(Function("fn", lambda event, ctx: calls.append(event), provider="gcp", links=links,
                                   log_level="off"))
    env = environ("POST", contract.event_path("bucket", "uploads"), raw("eventarc-storage-finalized-structured.json"),
                  {"content-type": "application/cloudevents+json"})
    assert call(app, env)[0] == "200 OK"
    assert [(e.bucket, e.key) for e in calls] == ([("uploads", "folder/Test.cs")] if delivered else [])


def test_storage_events() -> None:
    structured = gcp.structured_cloudevent(fixture("eventarc-storage-finalized-structured.json")).object_event("uploads")
    assert (structured.bucket, structured.physical_bucket, structured.key, structured.action, structured.size,
            structured.etag, structured.time) == ("uploads", "some-bucket", "folder/Test.cs", "created", 352,
                                                  "CNHZkbuF/ugCEAE=", datetime(2020, 9, 29, 11, 32, 0, 123000, tzinfo=UTC))
    workflows = gcp.structured_cloudevent(fixture("eventarc-storage-finalized-structured-workflows.json")).object_event()
    assert (workflows.bucket, workflows.key, workflows.size, workflows.id) == ("sample-bucket", "MyFile", 0, "1234567")
    headers = {"ce-specversion": "1.0", "ce-id": "e-1", "ce-source": "//storage.googleapis.com/projects/_/buckets/sample-bucket",
               "ce-type": "google.cloud.storage.object.v1.deleted", "ce-time": "2020-05-18T09:07:51.799Z"}
    deleted = gcp.cloudevent_from_http(headers, raw("eventarc-storage-binary-body-complex.json")).object_event()
    assert (deleted.bucket, deleted.key, deleted.action, deleted.size, deleted.etag) == (
        "sample-bucket", "MyFile", "deleted", 0, "COu8mb3Dn+kCEAE=")
    headers["ce-type"] = "google.cloud.storage.object.v1.finalized"
    simple = gcp.cloudevent_from_http(headers, raw("eventarc-storage-binary-body-simple.json")).object_event()
    assert (simple.key, simple.size, simple.id) == ("folder/Test.cs", 352, "e-1")


def test_scheduler_body_is_a_schedule_event() -> None:
    headers = {"ce-specversion": "1.0", "ce-id": "s-1", "ce-source": "//cloudscheduler.googleapis.com/projects/p/locations/l/jobs/nightly",
               "ce-type": "google.cloud.scheduler.job.v1.executed", "ce-time": "2024-05-01T03:00:00Z"}
    app, calls = recording()
    env = environ("POST", "/", raw("eventarc-scheduler-binary-body.json"), headers)
    assert call(app, env)[0] == "200 OK"
    assert (calls[0][0].name, calls[0][0].time.hour) == ("nightly", 3)


@pytest.mark.parametrize("name", ["firestore-document-written-structured-simple.json",
                                  "firestore-document-written-structured-complex.json"])
def test_firestore_is_unsupported_with_a_400(name: str) -> None:
    app, calls = recording()
    env = environ("POST", "/", raw(name), {"content-type": "application/cloudevents+json"})
    status, _, body = call(app, env)
    assert status.startswith("400") and b"google.cloud.firestore.document.v1.written" in body and not calls


@pytest.mark.parametrize("name", ["gcf-legacy-pubsub-background-event.json", "gcf-legacy-pubsub-background-event-flat.json",
                                  "gcf-legacy-storage-background-event.json", "gcf-legacy-firestore-background-event.json"])
def test_legacy_background_events_are_rejected_by_name(name: str) -> None:
    with pytest.raises(UnsupportedEvent, match="1st-gen background event"):
        gcp.legacy_check(fixture(name))


@pytest.mark.parametrize("name", ["gcf-legacy-pubsub-background-event.json", "gcf-legacy-storage-background-event.json"])
def test_a_legacy_event_posted_to_an_event_endpoint_gets_a_400_naming_it(name: str) -> None:
    app, calls = recording()
    status, _, body = call(app, environ("POST", contract.event_path("topic", "shop-topic"), raw(name)))
    assert status.startswith("400") and b"1st-gen background event" in body and not calls


def test_every_gcp_fixture_is_covered() -> None:
    covered = set(PUSH_CASES) | set(STRUCTURED_PUBSUB) | {
        "eventarc-storage-finalized-structured.json", "eventarc-storage-finalized-structured-workflows.json",
        "eventarc-storage-binary-body-complex.json", "eventarc-storage-binary-body-simple.json",
        "eventarc-scheduler-binary-body.json", "firestore-document-written-structured-simple.json",
        "firestore-document-written-structured-complex.json", "gcf-legacy-pubsub-background-event.json",
        "gcf-legacy-pubsub-background-event-flat.json", "gcf-legacy-storage-background-event.json",
        "gcf-legacy-firestore-background-event.json"}
    assert {p.name for p in FIXTURES.glob("*.json")} == covered


# ----------------------------------------------------------------------------------------- WSGI ----
def test_http_round_trip() -> None:
    def handle(request: Any, ctx: Any) -> HttpResponse:
        response = HttpResponse.json({"id": request.path_params["order_id"], "tags": request.query.get_all("t"),
                                      "session": request.cookies["session"], "trace": ctx.trace_id,
                                      "ip": request.source_ip, "body": request.json()}, 201)
        response.set_cookie("a", "1")
        response.set_cookie("b", "2")
        return response

    app = gcp.CloudRunApp(Function("fn", handle, provider="gcp", routes=[["POST", "/orders/{order_id}"]], log_level="off"))
    env = environ("POST", "/orders/42", b'{"x": 1}', {"content-type": "application/json", "cookie": "session=s1",
                                                      "traceparent": TRACEPARENT, "x-forwarded-for": "203.0.113.9"}, "t=a&t=b")
    status, headers, body = call(app, env)
    assert status == "201 Created" and json.loads(body) == {"id": "42", "tags": ["a", "b"], "session": "s1",
                                                            "trace": TRACEPARENT[3:35], "ip": "203.0.113.9", "body": {"x": 1}}
    seen: list[Any] = []
    b"".join(app(environ("POST", "/orders/1", b"{}", {"cookie": "session=s2"}), lambda s, h, e=None: seen.append(h)))
    assert [v for k, v in seen[0] if k == "set-cookie"] == ["a=1; Path=/; Secure; HttpOnly; SameSite=Lax",
                                                           "b=2; Path=/; Secure; HttpOnly; SameSite=Lax"]
    assert headers["content-type"] == "application/json"
    assert call(app, environ("GET", "/elsewhere"))[0] == "404 Not Found"
    assert call(app, environ("POST", "/orders/1", b"{nope", {"cookie": "session=s"}))[0] == "400 Bad Request"


def test_push_delivery_acks_and_failures_answer_500() -> None:
    app, calls = recording()
    env = environ("POST", contract.event_path("topic", "shop-topic"), raw("pubsub-push-body-docs.json"),
                  {"content-type": "application/json"})
    assert call(app, env)[0] == "200 OK" and calls[0][0].source == "shop-topic"
    failing, _ = recording(error=RuntimeError("x"))
    env = environ("POST", contract.event_path("queue", "jobs"), raw("pubsub-push-body-docs.json"))
    assert call(failing, env)[0] == "500 Internal Server Error"
    assert call(app, environ("POST", contract.event_path("queue", "jobs"), b"{"))[0].startswith("400")


def test_eventarc_binary_storage_delivery_and_schedule_path() -> None:
    app, calls = recording()
    headers = {"ce-specversion": "1.0", "ce-id": "e-1", "ce-source": "//storage.googleapis.com/projects/_/buckets/some-bucket",
               "ce-type": "google.cloud.storage.object.v1.finalized", "ce-time": "2020-04-23T07:38:57.230Z",
               "content-type": "application/json"}
    env = environ("POST", contract.event_path("bucket", "uploads"), raw("eventarc-storage-binary-body-simple.json"), headers)
    assert call(app, env)[0] == "200 OK" and (calls[0][0].bucket, calls[0][0].key) == ("uploads", "folder/Test.cs")
    env = environ("POST", contract.schedule_path("nightly"), b"", {contract.SCHEDULE_TIME_HEADER: "2024-05-01T03:00:00Z"})
    assert call(app, env)[0] == "200 OK" and (calls[1][0].name, calls[1][0].time.hour) == ("nightly", 3)


def test_event_token_is_checked_when_set() -> None:
    fn = Function("fn", lambda e: None, provider="gcp", log_level="off",
                  config={contract.EVENT_TOKEN_ENV: "s3cret", "PORTABLE_FUNCTION": "fn"})
    app = gcp.CloudRunApp(fn)
    path = contract.schedule_path("nightly")
    assert call(app, environ("POST", path))[0] == "403 Forbidden"
    assert call(app, environ("POST", path, query="token=s3cret"))[0] == "200 OK"


# ------------------------------------------------------------------------------------ properties ----
@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["/", "/orders/1", contract.event_path("topic", "t"), contract.event_path("bucket", "b"),
                        contract.schedule_path("s"), "/_portable/nope/x"]),
       st.binary(max_size=200), st.dictionaries(st.sampled_from(["ce-specversion", "ce-id", "ce-type", "ce-source",
                                                                 "content-type", "content-length"]),
                                                st.text(max_size=30), max_size=6))
def test_random_requests_never_crash_and_never_500(path: str, body: bytes, headers: dict[str, str]) -> None:
    app = gcp.CloudRunApp(Function("fn", lambda e: "ok", provider="gcp", routes=[["POST", "/orders/{id}"]], log_level="off"))
    env = environ("POST", path, body)
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        env[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key] = value
    status, _, _ = call(app, env)
    assert not status.startswith("5"), status


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)))
def test_random_push_and_cloudevent_bodies_raise_only_event_errors(value: Any) -> None:
    for parse in (lambda: gcp.push_message(json.dumps(value)).json(), lambda: gcp.structured_cloudevent(value).message()):
        with contextlib.suppress(EventError):
            parse()


def test_non_ascii_header_values_arrive_as_sent() -> None:
    """WSGI hands header bytes decoded as latin-1; the handler sees the UTF-8 text the client sent, as on
    the other clouds (issue 17 §6)."""
    sent = "Zoë Ångström, café ☕"
    seen: list[Any] = []
    app = gcp.CloudRunApp(Function("api", lambda request: seen.append(
        (request.headers.get("x-customer"), request.headers.get_all("x-customer"), dict(request.headers.items()))),
        provider="gcp", log_level="off"))
    env = environ("GET", "/", headers={"X-Customer": sent.encode().decode("latin-1")})
    assert call(app, env)[0].startswith("204")
    value, values, listed = seen[0]
    assert (value, values, listed["x-customer"]) == (sent, [sent], sent)


def test_a_pubsub_cloudevent_without_a_message_id_takes_the_event_id_and_time() -> None:
    """functions-framework's own payload (../shared/fixtures/peers/gcp/pubsub_text-cloud-event-output.json):
    its message has no messageId nor publishTime; functions-framework uses the event's id and time, and so
    does portable (issue 17 §7)."""
    peers = Path(__file__).resolve().parents[4] / "shared" / "fixtures" / "peers" / "gcp"
    payload = json.loads((peers / "pubsub_text-cloud-event-output.json").read_text())
    message = gcp.structured_cloudevent(payload).message("events")
    assert (message.id, message.text, dict(message.attributes), message.source) == (
        "aaaaaa-1111-bbbb-2222-cccccccccccc", "test message 3", {"attr1": "attr1-value"}, "events")
    assert message.enqueued_time == datetime(2020, 9, 29, 11, 32, tzinfo=UTC)
