"""The AWS Lambda shim: every AWS fixture -> neutral event (values read from the files), SQS partial
failures, HTTP round trips, and property tests that it raises nothing but EventError."""

from __future__ import annotations

import base64
import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portable.runtime import HttpResponse
from portable.runtime.dispatch import Function
from portable.runtime.errors import EventError, HandlerFailed, UnsupportedEvent
from providers.aws import runtime as aws
from providers.aws.contract import scheduler_input

FIXTURES = Path(__file__).resolve().parents[4] / "shared" / "fixtures" / "events" / "aws"
LINKS = {"uploads": {"kind": "bucket", "access": "trigger", "id": "sourcebucket"},
         "jobs": {"kind": "queue", "access": "trigger", "id": "https://sqs.us-east-2.amazonaws.com/123456789012/my-queue"},
         "alerts": {"kind": "topic", "access": "trigger", "id": "arn:aws:sns:us-east-2:123456789012:sns-lambda"}}


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def record_all(result: Any = None, error: BaseException | None = None, routes: list[list[str]] | None = None,
               ) -> tuple[aws.LambdaHandler, list[tuple[Any, Any]]]:
    calls: list[tuple[Any, Any]] = []

    def handle(event: Any, ctx: Any) -> Any:
        calls.append((event, ctx))
        if error is not None:
            raise error
        return result

    fn = Function("fn", handle, provider="aws", links=LINKS, routes=routes, log_level="off")
    return aws.LambdaHandler(fn), calls


# ------------------------------------------------------------------------------------------ HTTP ----
HTTP_CASES = {
    # file: (method, path, query multi, selected headers, cookies, body, source_ip, request_id)
    "apigw-http-v2-post-cookies-query-jwt.json": (
        "POST", "/my/path", {"parameter1": ["value1", "value2"], "parameter2": ["value"]},
        {"header2": "value1,value2"}, {"cookie1": "", "cookie2": ""},
        b'{"message": "hello world", "username": "tom"}', "192.168.0.1/32", "id"),
    "apigw-http-v2-get-no-authorizer-no-body.json": (
        "GET", "/", {}, {"user-agent": "curl/7.58.0"}, {}, b"", "1.2.3.4", "LV7fzho-PHcEJPw="),
    "apigw-http-v2-browser-get-base64-flag-no-body.json": (
        "GET", "/nodejs-apig-function-1G3XMPLZXVXYI", {}, {"x-forwarded-port": "443"},
        {"s_fid": "7AABXMPL1AFD9BBF-0643XMPL09956DE2", "regStatus": "pre-register"}, b"", "205.255.255.176",
        "JKJaXmPLvHcESHA="),
    "apigw-http-v2-iam-authorizer-crlf-body.json": (
        "GET", "/my/path", {"parameter1": ["value1", "value2"], "parameter2": ["value"]}, {"Header1": "value1"},
        {"cookie1": "", "cookie2": ""}, b'{\r\n\t"a": 1\r\n}', "IP", "id"),
    "apigw-http-v2-lambda-authorizer-multivalue.json": (
        "GET", "/my/path", {"Parameter1": ["value1", "value2"]}, {"header2": "value1,value2"},
        {"cookie1": "", "cookie2": ""}, b'{\r\n\t"a": 1\r\n}', "IP", "id"),
    "sam-rendered-apigw-http-v2-post-base64-body.json": (
        "POST", "/path/to/resource", {"parameter1": ["value1", "value2"], "parameter2": ["value"]},
        {"header1": "value1"}, {"cookie1": "", "cookie2": ""}, b'{"test":"body"}', "192.168.0.1/32", "id"),
    "lambda-url-post-json-cookies-query.json": (
        "POST", "/hello", {"hello": ["world"], "foo": ["bar"]}, {"header2": "h1,h2", "content-type": "application/json"},
        {"foo": "bar", "hello": "hello"}, b'{"hello": "world"}', "127.0.0.1", "5bbd0e3e-fe7a-4299-9076-32d4de45391b"),
    "lambda-url-post-base64-body.json": (
        "POST", "/", {}, {"content-type": "idk"}, {}, b"<idk/>", "127.0.0.1", "9701a3d4-36ad-40bd-bf0b-a525c987d27f"),
    "lambda-url-get-empty.json": (
        "GET", "/", {}, {"accept": "application/xml"}, {}, b"", "127.0.0.1", "deeb7e49-a9a8-4a8f-bcd1-5482231e2087"),
    "lambda-url-get-trailing-slash.json": (
        "GET", "/", {}, {"x-amzn-trace-id": "Root=1-643eccfb-7c4d3f09749a95a044db997a"}, {}, b"", "127.0.0.1",
        "3a72f39b-d6bd-4a4f-b040-f94d09b4daa3"),
    "lambda-url-browser-get-anonymous.json": (
        "GET", "/", {}, {"sec-ch-ua-platform": '"Linux"'}, {}, b"", "123.123.123.123", "id"),
    "apigw-rest-v1-proxy-post-multivalue.json": (
        "POST", "/hello/world", {"name": ["me"]}, {"content-type": "application/json", "headername": "headerValue"},
        {}, b'{\r\n\t"a": 1\r\n}', "192.168.196.186", "deef4878-7910-11e6-8f14-25afc3e9ae33"),
    "apigw-rest-v1-proxy-get-multivalue-query.json": (
        "GET", "/my/path", {"parameter1": ["value1", "value2"], "parameter2": ["value"]}, {"origin": "https://aws.amazon.com"},
        {}, b"Hello from Lambda!", "192.168.0.1/32", "id="),
    "apigw-rest-v1-proxy-browser-get-null-body.json": (
        "GET", "/", {}, {"host": "70ixmpl4fl.execute-api.ca-central-1.amazonaws.com"},
        {"s_fid": "7AABXMPL1AFD9BBF-0643XMPL09956DE2", "regStatus": "pre-register"}, b"", "52.255.255.12",
        "77375676-xmpl-4b79-853a-f982474efe18"),
    "alb-get-multivalue-headers.json": (
        "GET", "/", {"key": ["hello"]}, {"x-myheader": "123"}, {}, b"", "72.21.198.67", ""),
    "alb-get-multivalue-query.json": (
        "GET", "/todos", {"parameter1": ["value1", "value2"], "parameter2": ["value"]}, {"header2": "value1"}, {}, b"",
        "123.123.123.123", ""),
    "alb-get-single-value-headers.json": (
        "GET", "/", {"key": ["hello"]}, {"x-myheader": "123"}, {}, b"", "25.12.198.67", ""),
    "alb-health-check.json": ("GET", "/", {}, {"user-agent": "ELB-HealthChecker/2.0"}, {}, b"", None, ""),
    "alb-multivalue-encoded-query-cookies.json": (
        "GET", "/", {"myKey": ["?showAll=true", "?showAll=false"]}, {"content-type": "text/plain"},
        {"name1": "value1", "name2": "value2"}, b"request_body", "72.21.198.66", ""),
    "sam-rendered-alb-post-base64-body.json": (
        "POST", "/path/to/resource", {"query": ["1234ABCD"]}, {"x-imforwards": "20"}, {}, b'{"test":"body"}',
        "72.12.164.125", ""),
}


@pytest.mark.parametrize("name", sorted(HTTP_CASES))
def test_http_fixture_values(name: str) -> None:
    method, path, query, headers, cookies, body, ip, request_id = HTTP_CASES[name]
    request = aws.http_request(fixture(name))
    assert (request.method, request.path, request.query.to_dict()) == (method, path, query)
    assert {k: request.headers[k] for k in headers} == {k: v for k, v in headers.items()}
    assert (request.cookies, request.body, request.source_ip, request.request_id) == (cookies, body, ip, request_id)


def test_http_multi_value_headers_and_path_params() -> None:
    request = aws.http_request(fixture("apigw-rest-v1-proxy-get-multivalue-query.json"))
    assert request.headers.get_all("Header2") == ["value1", "value2"]
    assert aws.http_request(fixture("apigw-rest-v1-proxy-post-multivalue.json")).path_params == {"proxy": "hello/world"}
    assert aws.http_request(fixture("apigw-http-v2-post-cookies-query-jwt.json")).path_params == {"parameter1": "value1"}


def test_http_inconsistent_base64_flag_is_a_400() -> None:
    handler, _ = record_all()
    handler.function.__init__("fn", lambda request: request.body, provider="aws", log_level="off")  # type: ignore[misc]
    response = handler(fixture("apigw-rest-v1-proxy-base64-flag.json"))
    assert response["statusCode"] == 400 and "Traceback" not in response["body"]


def test_http_round_trip_in_every_payload_format() -> None:
    def handle(request: Any) -> HttpResponse:
        response = HttpResponse.json({"path": request.path}, 201, {"X-A": "1"})
        response.set_cookie("a", "1")
        response.set_cookie("b", "2")
        return response

    handler = aws.LambdaHandler(Function("fn", handle, provider="aws", log_level="off"))
    v2 = handler(fixture("lambda-url-get-empty.json"))
    assert v2 == {"statusCode": 201, "headers": {"content-type": "application/json", "x-a": "1"},
                  "body": '{"path": "/"}', "isBase64Encoded": False,
                  "cookies": ["a=1; Path=/; Secure; HttpOnly; SameSite=Lax", "b=2; Path=/; Secure; HttpOnly; SameSite=Lax"]}
    v1 = handler(fixture("apigw-rest-v1-proxy-post-multivalue.json"))
    assert v1["multiValueHeaders"]["set-cookie"] == v2["cookies"] and v1["statusCode"] == 201
    alb = handler(fixture("alb-get-single-value-headers.json"))
    assert alb["statusDescription"] == "201 Created" and alb["headers"]["x-a"] == "1"
    assert "multiValueHeaders" in handler(fixture("alb-get-multivalue-headers.json"))
    binary = aws.LambdaHandler(Function("fn", lambda r: HttpResponse(b"\x00\xff", headers={"content-type": "image/png"}),
                                        provider="aws", log_level="off"))(fixture("lambda-url-get-empty.json"))
    assert (binary["isBase64Encoded"], base64.b64decode(binary["body"])) == (True, b"\x00\xff")


def test_api_gateway_route_is_trusted_and_path_params_come_from_routes() -> None:
    handler, calls = record_all("ok", routes=[["GET", "/items/{item}"]])
    event = fixture("lambda-url-get-empty.json")
    event["rawPath"] = "/items/a%20b"
    assert handler(event)["statusCode"] == 200 and calls[0][0].path_params == {"item": "a b"}
    assert handler(fixture("lambda-url-post-base64-body.json"))["statusCode"] == 404


def test_http_handler_failure_is_a_500_without_traceback() -> None:
    handler, _ = record_all(error=RuntimeError("secret"))
    response = handler(fixture("lambda-url-get-empty.json"), None)
    assert response["statusCode"] == 500 and "secret" not in response["body"] and "Traceback" not in response["body"]


# -------------------------------------------------------------------------------------- messages ----
def test_sqs_fixture_values() -> None:
    [first, second] = aws.sqs_messages(fixture("sqs-batch-two-records.json"), LINKS)
    assert (first.id, first.text, first.attributes, first.delivery_attempt, first.source) == (
        "059f36b4-87a3-44ab-83d2-661975830a7d", "Test message.", {"testAttr": "100"}, 1, "jobs")
    assert first.enqueued_time == datetime(2018, 12, 17, 21, 37, 29, 183000, tzinfo=UTC)
    assert (second.id, second.json(), second.attributes) == ("2e1424d4-f796-459a-8184-9c92662be6da", {"message": "foo1"}, {})
    [binary] = aws.sqs_messages(fixture("sqs-binary-and-list-message-attributes.json"), LINKS)
    assert (binary.id, binary.text, binary.delivery_attempt, binary.source) == ("MessageID_1", "Message Body", 2, "SQSQueue")
    assert binary.attributes == {"Attribute1": "AttributeValue1", "Attribute2": "123", "Attribute3": "MTEwMA=="}
    [single] = aws.sqs_messages(fixture("sam-rendered-sqs-single-record.json"), LINKS)
    assert (single.id, single.text, single.source) == ("19dd0b57-b21e-4ac1-bd88-01bbb068cb78", "Hello from SQS!", "MyQueue")
    [wrapped] = aws.sqs_messages(fixture("sqs-wrapping-s3-notification.json"), LINKS)
    assert wrapped.json()["Records"][0]["s3"]["object"]["key"] == "test.pdf"


def test_sqs_batch_reports_exactly_the_failed_messages() -> None:
    def handle(message: Any) -> None:
        if message.text == "Test message.":
            raise ValueError("bad")

    handler = aws.LambdaHandler(Function("fn", handle, provider="aws", log_level="off"))
    assert handler(fixture("sqs-batch-two-records.json")) == {
        "batchItemFailures": [{"itemIdentifier": "059f36b4-87a3-44ab-83d2-661975830a7d"}]}
    ok, _ = record_all()
    assert ok(fixture("sqs-batch-two-records.json")) == {"batchItemFailures": []}


def test_sns_fixture_values_and_failure() -> None:
    [message] = aws.sns_messages(fixture("sns-notification.json"), LINKS)
    assert (message.id, message.text, message.source) == ("95df01b4-ee98-5cb9-9903-4c221d41eb5e", "Hello from SNS!", "alerts")
    assert message.attributes == {"Test": "TestString", "TestBinary": "TestBinary"}
    assert message.enqueued_time == datetime(2019, 1, 2, 12, 45, 7, tzinfo=UTC)
    handler, _ = record_all(error=KeyError("x"))
    with pytest.raises(HandlerFailed):
        handler(fixture("sns-notification.json"))


# --------------------------------------------------------------------------------------- objects ----
OBJECT_CASES = {
    "s3-object-created-put.json": ("lambda-artifacts-deafc19498e3f2df", "b21b84d653bb07b05b1e6b33684dc11b", "created",
                                   1305107, "b21b84d653bb07b05b1e6b33684dc11b", datetime(2019, 9, 3, 19, 37, 27, 192000, tzinfo=UTC)),
    "s3-object-removed-delete.json": ("lambda-artifacts-deafc19498e3f2df", "b21b84d653bb07b05b1e6b33684dc11b", "deleted",
                                      None, None, datetime(2019, 9, 3, 19, 37, 27, 192000, tzinfo=UTC)),
    "s3-object-created-percent-encoded-key.json": ("uploads", "Happy Face.jpg", "created", 1024,
                                                   "d41d8cd98f00b204e9800998ecf8427e", datetime(1970, 1, 1, 0, 0, 0, 123000, tzinfo=UTC)),
    "s3-eventbridge-object-created.json": ("example-bucket", "IMG_m7fzo3.jpg", "created", 184662,
                                           "4e68adba0abe2dc8653dc3354e14c01d", datetime(2023, 3, 8, 17, 50, 14, tzinfo=UTC)),
    "s3-eventbridge-object-deleted.json": ("example-bucket", "IMG_m7fzo3.jpg", "deleted", None, None,
                                           datetime(2021, 11, 12, tzinfo=UTC)),
}


@pytest.mark.parametrize("name", sorted(OBJECT_CASES))
def test_object_fixture_values(name: str) -> None:
    [event] = aws.object_events(fixture(name), LINKS)
    assert (event.bucket, event.key, event.action, event.size, event.etag, event.time) == OBJECT_CASES[name]


def test_s3_keys_are_decoded_as_s3_encodes_them() -> None:
    event = fixture("s3-object-created-put.json")
    event["Records"][0]["s3"]["object"]["key"] = "uploads/my+photo%281%29+%2B1.jpg"
    assert aws.object_events(event, LINKS)[0].key == "uploads/my photo(1) +1.jpg"


# -------------------------------------------------------------------------------------- schedules ----
def test_schedule_fixture_values() -> None:
    rule = aws.schedule_event(fixture("eventbridge-scheduled-event.json"))
    assert (rule.name, rule.time, rule.id) == ("my-scheduled-rule", datetime(2015, 10, 8, 16, 53, 6, tzinfo=UTC),
                                               "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa")
    default = aws.schedule_event(fixture("eventbridge-scheduler-default-payload.json"))
    assert (default.name, default.time) == ("test-schedule", datetime(2024, 11, 7, 22, 5, tzinfo=UTC))
    portable = json.loads(scheduler_input("nightly-report").replace("<aws.scheduler.scheduled-time>", "2024-05-01T03:00:00Z"))
    event = aws.schedule_event(portable)
    assert (event.name, event.time.hour) == ("nightly-report", 3)
    handler, calls = record_all()
    assert handler(portable) is None and calls[0][0].name == "nightly-report"


# ----------------------------------------------------------------------------------- unsupported ----
@pytest.mark.parametrize(("name", "match"), [
    ("dynamodb-stream-insert-all-attribute-types.json", "'aws:dynamodb'"),
    ("dynamodb-stream-insert-modify.json", "'aws:dynamodb'"),
    ("sam-rendered-dynamodb-stream-insert-modify-remove.json", "'aws:dynamodb'"),
    ("eventbridge-custom-event.json", "'EC2 Instance State-change Notification' from 'aws.ec2'"),
])
def test_unsupported_events_name_what_arrived(name: str, match: str) -> None:
    handler, _ = record_all()
    with pytest.raises(UnsupportedEvent, match=match):
        handler(fixture(name))


def test_every_aws_fixture_is_covered() -> None:
    covered = set(HTTP_CASES) | set(OBJECT_CASES) | {
        "apigw-rest-v1-proxy-base64-flag.json", "sqs-batch-two-records.json", "sqs-binary-and-list-message-attributes.json",
        "sam-rendered-sqs-single-record.json", "sqs-wrapping-s3-notification.json", "sns-notification.json",
        "eventbridge-scheduled-event.json", "eventbridge-scheduler-default-payload.json",
        "dynamodb-stream-insert-all-attribute-types.json", "dynamodb-stream-insert-modify.json",
        "sam-rendered-dynamodb-stream-insert-modify-remove.json", "eventbridge-custom-event.json"}
    assert {p.name for p in FIXTURES.glob("*.json")} == covered


# ------------------------------------------------------------------------------------ properties ----
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                    max_leaves=20)


def _mutations(draw: Any, base: Any) -> Any:
    if isinstance(base, dict) and base:
        key = draw(st.sampled_from(sorted(base)))
        base = dict(base)
        choice = draw(st.integers(0, 2))
        if choice == 0:
            del base[key]
        elif choice == 1:
            base[key] = draw(JSON)
        else:
            base[key] = _mutations(draw, base[key])
    elif isinstance(base, list) and base:
        base = list(base)
        base[0] = _mutations(draw, base[0])
    else:
        base = draw(JSON)
    return base


@st.composite
def mutated_fixture(draw: Any) -> Any:
    names = sorted(p.name for p in FIXTURES.glob("*.json"))
    event = fixture(draw(st.sampled_from(names)))
    for _ in range(draw(st.integers(1, 3))):
        event = _mutations(draw, event)
    return event


def _read_everything(event: Any, ctx: Any) -> Any:
    for name in ("method", "path", "query", "headers", "cookies", "body", "text", "attributes", "delivery_attempt",
                 "enqueued_time", "key", "time", "size"):
        value = getattr(event, name, None)
        if hasattr(value, "multi_items"):
            value.multi_items()
    if hasattr(event, "to_cloudevent"):
        event.to_cloudevent()
    return "ok"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_fixture())
def test_malformed_events_raise_only_event_errors_and_http_never_500s(event: Any) -> None:
    handler = aws.LambdaHandler(Function("fn", _read_everything, provider="aws", log_level="off"))
    try:
        result = handler(event, None)
    except EventError:
        return
    except HandlerFailed as e:
        assert isinstance(e.original, EventError), e.original  # a lazily decoded field was malformed
        return
    if isinstance(result, dict) and "statusCode" in result:
        assert result["statusCode"] in (200, 400), result


@settings(max_examples=200, deadline=None)
@given(JSON)
def test_random_json_raises_only_event_errors(event: Any) -> None:
    handler = aws.LambdaHandler(Function("fn", _read_everything, provider="aws", log_level="off"))
    with contextlib.suppress(EventError):
        handler(event, None)


PEERS = Path(__file__).resolve().parents[4] / "shared" / "fixtures" / "peers" / "aws"


@pytest.mark.parametrize(("name", "kind"), [
    ("apiGatewayAuthorizerRequestEvent.json", "API Gateway Lambda authorizer"),
    ("apiGatewayAuthorizerTokenEvent.json", "API Gateway Lambda authorizer"),
    ("apiGatewayAuthorizerV2Event.json", "API Gateway Lambda authorizer"),
    ("appSyncAuthorizerEvent.json", "AppSync Lambda authorizer"),
    ("bedrockAgentEvent.json", "Bedrock agent action group"),
    ("bedrockAgentPostEvent.json", "Bedrock agent action group"),
    ("vpcLatticeV2Event.json", "VPC Lattice"),
    ("vpcLatticeV2EventWithHeaders.json", "VPC Lattice"),
])
def test_http_lookalikes_from_the_peers_are_unsupported_not_requests(name: str, kind: str) -> None:
    """Powertools' payloads (../shared/fixtures/peers/aws) of events with HTTP-like fields that are no HTTP
    request: refused as unsupported, never handed to the handler nor answered as a malformed request (§7)."""
    event = json.loads((PEERS / name).read_text())
    handler, calls = record_all("ok")
    with pytest.raises(UnsupportedEvent, match=f"^{kind} events are not a portable trigger"):
        handler(event)
    with pytest.raises(UnsupportedEvent, match=f"^{kind} events are not a portable trigger"):
        aws.trigger_of(event)
    assert calls == []


@pytest.mark.parametrize("first_read", ["get", "get_all"])
def test_the_query_answers_from_one_source_whatever_is_read_first(first_read: str) -> None:
    """rawQueryString and the folded queryStringParameters may disagree (here a value API Gateway would
    have folded, and a stale one): every read answers from rawQueryString, in any order (§7)."""
    event = fixture("lambda-url-get-empty.json")
    event.update(rawQueryString="tag=a&tag=b&limit=10", queryStringParameters={"tag": "a,b", "limit": "99"})
    query = aws.http_request(event).query
    answers = [query.get("limit"), query.get_all("tag")] if first_read == "get" else [
        query.get_all("limit")[0], query.get_all("tag")]
    assert [*answers, query.get("tag"), query.to_dict()] == ["10", ["a", "b"], "a", {"tag": ["a", "b"], "limit": ["10"]}]
