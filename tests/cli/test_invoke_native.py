"""``portable invoke`` with every cloud payload in ``../shared/fixtures/events``: each runs through the hooks
of the provider that recognises it, or ends in a clear ``Error:`` line; none ends in a traceback."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from portable.cli import app

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "events"
ORDERS = Path(__file__).resolve().parents[2] / "examples" / "orders"

STACK = """
from portable import Http, Schedule, Stack

stack = Stack("native")
files = stack.bucket("files")
jobs = stack.queue("jobs")
news = stack.topic("news")
stack.function("api", handler="show:http", triggers=[Http("ANY", "/"), Http("ANY", "/{path+}")])
stack.function("worker", handler="show:event", triggers=[jobs.trigger()])
stack.function("listener", handler="show:event", triggers=[news.trigger()])
stack.function("indexer", handler="show:event", triggers=[files.on_created()])
stack.function("nightly", handler="show:event", triggers=[Schedule.cron("0 3 * * *", name="nightly")])
"""

SHOW = """
from portable.runtime import HttpResponse, Message, ObjectEvent


def http(request):
    return HttpResponse.json({"method": request.method, "path": request.path})


def event(event):
    if isinstance(event, Message):
        print(f"Message: {len(event.body)} bytes")
    elif isinstance(event, ObjectEvent):
        print(f"ObjectEvent: {event.bucket}/{event.key} {event.action}")
    else:
        print(f"ScheduleEvent: {event.name}")
"""

_AWS_RECORDS = ("Error: The aws event cannot be read: Lambda event with Records from 'aws:dynamodb' (e.g. DynamoDB or "
                "Kinesis streams) is not a portable trigger; portable handles SQS, SNS and S3 records")
_AZURE_TYPE = ("Error: The azure event cannot be read: Event Grid event type 'created' is not a portable trigger; "
               "portable reads 'Microsoft.Storage.BlobCreated' and 'Microsoft.Storage.BlobDeleted'")
_UNKNOWN = "Error: The event is neither a neutral event file nor a payload of a known cloud (top-level keys: "
_FIRESTORE = ("Error: The gcp event cannot be read: CloudEvent type 'google.cloud.firestore.document.v1.written' is "
              "not a Cloud Storage object finalized/deleted event")


def _legacy(event_type: str) -> str:
    return (f"Error: The gcp event cannot be read: Cloud Functions 1st-gen background event {event_type!r} is not "
            "supported; portable deploys to Cloud Run and reads Eventarc CloudEvents and Pub/Sub push requests")


EXPECTED: dict[str, tuple[str, str]] = {
    # fixture: (function, the response body of an HTTP function / the handler's line / the Error: line)
    "aws/alb-get-multivalue-headers.json": ("api", '{"method": "GET", "path": "/"}'),
    "aws/alb-get-multivalue-query.json": ("api", '{"method": "GET", "path": "/todos"}'),
    "aws/alb-get-single-value-headers.json": ("api", '{"method": "GET", "path": "/"}'),
    "aws/alb-health-check.json": ("api", '{"method": "GET", "path": "/"}'),
    "aws/alb-multivalue-encoded-query-cookies.json": ("api", '{"method": "GET", "path": "/"}'),
    "aws/apigw-http-v2-browser-get-base64-flag-no-body.json": ("api", '{"method": "GET", "path": "/nodejs-apig-function-1G3XMPLZXVXYI"}'),
    "aws/apigw-http-v2-get-no-authorizer-no-body.json": ("api", '{"method": "GET", "path": "/"}'),
    "aws/apigw-http-v2-iam-authorizer-crlf-body.json": ("api", '{"method": "GET", "path": "/my/path"}'),
    "aws/apigw-http-v2-lambda-authorizer-multivalue.json": ("api", '{"method": "GET", "path": "/my/path"}'),
    "aws/apigw-http-v2-post-cookies-query-jwt.json": ("api", '{"method": "POST", "path": "/my/path"}'),
    "aws/apigw-rest-v1-proxy-base64-flag.json": ("api", '{"method": "GET", "path": "/my/anotherPath"}'),
    "aws/apigw-rest-v1-proxy-browser-get-null-body.json": ("api", '{"method": "GET", "path": "/"}'),
    "aws/apigw-rest-v1-proxy-get-multivalue-query.json": ("api", '{"method": "GET", "path": "/my/path"}'),
    "aws/apigw-rest-v1-proxy-post-multivalue.json": ("api", '{"method": "POST", "path": "/hello/world"}'),
    "aws/dynamodb-stream-insert-all-attribute-types.json": ("indexer", _AWS_RECORDS),
    "aws/dynamodb-stream-insert-modify.json": ("indexer", _AWS_RECORDS),
    "aws/eventbridge-custom-event.json": ("indexer", "Error: The aws event cannot be read: EventBridge event 'EC2 Instance State-change Notification' from 'aws.ec2' is not a portable trigger; portable handles S3 object events and schedules"),
    "aws/eventbridge-scheduled-event.json": ("nightly", 'ScheduleEvent: nightly'),
    "aws/eventbridge-scheduler-default-payload.json": ("nightly", 'ScheduleEvent: nightly'),
    "aws/lambda-url-browser-get-anonymous.json": ("api", '{"method": "GET", "path": "/"}'),
    "aws/lambda-url-get-empty.json": ("api", '{"method": "GET", "path": "/"}'),
    "aws/lambda-url-get-trailing-slash.json": ("api", '{"method": "GET", "path": "/"}'),
    "aws/lambda-url-post-base64-body.json": ("api", '{"method": "POST", "path": "/"}'),
    "aws/lambda-url-post-json-cookies-query.json": ("api", '{"method": "POST", "path": "/hello"}'),
    "aws/s3-eventbridge-object-created.json": ("indexer", 'ObjectEvent: example-bucket/IMG_m7fzo3.jpg created'),
    "aws/s3-eventbridge-object-deleted.json": ("indexer", 'ObjectEvent: example-bucket/IMG_m7fzo3.jpg deleted'),
    "aws/s3-object-created-percent-encoded-key.json": ("indexer", 'ObjectEvent: sourcebucket/Happy Face.jpg created'),
    "aws/s3-object-created-put.json": ("indexer", 'ObjectEvent: lambda-artifacts-deafc19498e3f2df/b21b84d653bb07b05b1e6b33684dc11b created'),
    "aws/s3-object-removed-delete.json": ("indexer", 'ObjectEvent: lambda-artifacts-deafc19498e3f2df/b21b84d653bb07b05b1e6b33684dc11b deleted'),
    "aws/sam-rendered-alb-post-base64-body.json": ("api", '{"method": "POST", "path": "/path/to/resource"}'),
    "aws/sam-rendered-apigw-http-v2-post-base64-body.json": ("api", '{"method": "POST", "path": "/path/to/resource"}'),
    "aws/sam-rendered-dynamodb-stream-insert-modify-remove.json": ("indexer", _AWS_RECORDS),
    "aws/sam-rendered-sqs-single-record.json": ("worker", 'Message: 15 bytes'),
    "aws/sns-notification.json": ("listener", 'Message: 15 bytes'),
    "aws/sqs-batch-two-records.json": ("worker", 'Message: 13 bytes'),
    "aws/sqs-binary-and-list-message-attributes.json": ("worker", 'Message: 12 bytes'),
    "aws/sqs-wrapping-s3-notification.json": ("worker", 'Message: 746 bytes'),
    "azure/custom-handler-eventgrid-trigger-cloudevent-schema.json": ("indexer", _AZURE_TYPE),
    "azure/custom-handler-eventgrid-trigger-eventgrid-schema.json": ("indexer", _AZURE_TYPE),
    "azure/custom-handler-http-trigger-payload.json": ("api", '{"method": "POST", "path": "/api/endpoint"}'),
    "azure/custom-handler-http-trigger-request-docs.json": ("api", '{"method": "POST", "path": "/api/order"}'),
    "azure/custom-handler-queue-trigger-payload-docs.json": ("worker", 'Message: 27 bytes'),
    "azure/custom-handler-queue-trigger-payload.json": ("worker", 'Message: 30 bytes'),
    "azure/custom-handler-service-bus-trigger-payload.json": ("worker", 'Message: 30 bytes'),
    "azure/custom-handler-timer-trigger-payload.json": ("nightly", 'ScheduleEvent: nightly'),
    "azure/eventgrid-blob-created-adls-gen2-cloudevents-schema.json": ("indexer", 'ObjectEvent: my-file-system/new-file.txt created'),
    "azure/eventgrid-blob-created-cloudevents-schema.json": ("indexer", 'ObjectEvent: test-container/new-file.txt created'),
    "azure/eventgrid-blob-created-eventgrid-schema.json": ("indexer", 'ObjectEvent: test-container/new-file.txt created'),
    "azure/eventgrid-blob-deleted-cloudevents-schema.json": ("indexer", 'ObjectEvent: testcontainer/file-to-delete.txt deleted'),
    "azure/eventgrid-blob-deleted-eventgrid-schema.json": ("indexer", 'ObjectEvent: testcontainer/file-to-delete.txt deleted'),
    "gcp/eventarc-pubsub-binary-body.json": ("worker", 'Message: 14 bytes'),
    "gcp/eventarc-pubsub-structured-binary-data.json": ("worker", 'Message: 4 bytes'),
    "gcp/eventarc-pubsub-structured-cloudevent.json": ("worker", 'Message: 14 bytes'),
    "gcp/eventarc-pubsub-structured-text.json": ("worker", 'Message: 14 bytes'),
    "gcp/eventarc-scheduler-binary-body.json": ("nightly", _UNKNOWN + "customData)"),
    "gcp/eventarc-storage-binary-body-complex.json": ("indexer", _UNKNOWN + "bucket, cacheControl, componentCount, contentDisposition, contentEncoding, contentLanguage, contentType, crc32c)"),
    "gcp/eventarc-storage-binary-body-simple.json": ("indexer", _UNKNOWN + "bucket, contentType, crc32c, etag, generation, id, kind, md5Hash)"),
    "gcp/eventarc-storage-finalized-structured-workflows.json": ("indexer", 'ObjectEvent: sample-bucket/MyFile created'),
    "gcp/eventarc-storage-finalized-structured.json": ("indexer", 'ObjectEvent: some-bucket/folder/Test.cs created'),
    "gcp/firestore-document-written-structured-complex.json": ("indexer", _FIRESTORE),
    "gcp/firestore-document-written-structured-simple.json": ("indexer", _FIRESTORE),
    "gcp/gcf-legacy-firestore-background-event.json": ("indexer", _legacy("providers/cloud.firestore/eventTypes/document.write")),
    "gcp/gcf-legacy-pubsub-background-event-flat.json": ("worker", _legacy("providers/cloud.pubsub/eventTypes/topic.publish")),
    "gcp/gcf-legacy-pubsub-background-event.json": ("worker", _legacy("google.pubsub.topic.publish")),
    "gcp/gcf-legacy-storage-background-event.json": ("indexer", _legacy("google.storage.object.finalize")),
    "gcp/pubsub-push-body-captured-no-attributes.json": ("worker", 'Message: 14 bytes'),
    "gcp/pubsub-push-body-docs.json": ("worker", 'Message: 40 bytes'),
    "gcp/pubsub-push-body-ff-python-raw-request.json": ("worker", 'Message: 13 bytes'),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("native")
    (root / "stack.py").write_text(textwrap.dedent(STACK))
    (root / "show.py").write_text(textwrap.dedent(SHOW))
    return root


def _invoke(project: Path, function: str, event: Path | str) -> tuple[int, str, str, BaseException | None]:
    result = CliRunner().invoke(app, ["invoke", str(project), function, "--event", str(event),
                                      "--state", str(project / "state")])
    return result.exit_code, result.stdout, result.stderr, result.exception


def test_every_fixture_has_an_expected_outcome() -> None:
    found = sorted(f"{p.parent.name}/{p.name}" for p in FIXTURES.glob("*/*.json"))
    assert found == sorted(EXPECTED)
    assert {name.partition("/")[0] for name in found} == {"aws", "azure", "gcp"}


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_a_cloud_payload_runs_or_is_refused_clearly(project: Path, fixture: str) -> None:
    function, expected = EXPECTED[fixture]
    code, out, err, exception = _invoke(project, function, FIXTURES / fixture)
    assert exception is None or isinstance(exception, SystemExit), f"{fixture} raised {exception!r}"
    if expected.startswith("Error: "):
        assert (code, out, err.splitlines()[0]) == (1, "", expected)
    else:
        assert code == 0, err
        lines = out.splitlines()
        assert (lines[-1] if function == "api" else lines[0]) == expected


def test_an_azure_queue_message_that_event_grid_fed_reaches_the_orders_indexer(tmp_path: Path) -> None:
    """On Azure, blob events reach a function through a Storage queue: ``portable invoke examples/orders
    receipt-indexer`` with such a queue invocation runs the indexer on the object event."""
    event_grid = json.loads((FIXTURES / "azure" / "eventgrid-blob-created-eventgrid-schema.json").read_text())
    event_grid[0]["subject"] = "/blobServices/default/containers/receipts/blobs/receipts/r-1.json"
    invocation = {"Data": {"msg": json.dumps(event_grid)},
                  "Metadata": {"DequeueCount": "1", "Id": '"9a1e"', "InsertionTime": "2024-05-01T03:00:00Z"}}
    event = tmp_path / "queue.json"
    event.write_text(json.dumps(invocation))
    code, out, err, _ = _invoke_orders("receipt-indexer", event, tmp_path / "state")
    assert code == 0, err
    assert out.strip() == "OK: receipt-indexer handled ObjectEvent 831e1650-001e-001b-66ab-eeb76e069631"


def test_the_azure_timer_takes_the_functions_schedule_name(tmp_path: Path) -> None:
    code, out, err, _ = _invoke_orders("nightly-report", FIXTURES / "azure" / "custom-handler-timer-trigger-payload.json",
                                       tmp_path / "state")
    assert code == 0, err
    assert out.strip() == "OK: nightly-report handled ScheduleEvent"
    assert '"schedule":"nightly-report"' in err


def _invoke_orders(function: str, event: Path, state: Path) -> tuple[int, str, str, BaseException | None]:
    result = CliRunner().invoke(app, ["invoke", str(ORDERS), function, "--event", str(event), "--state", str(state)])
    return result.exit_code, result.stdout, result.stderr, result.exception


@pytest.mark.parametrize(("payload", "shape"), [
    ([1, 2], "it is a JSON array of 2 items; expected a JSON object, or an array of events a cloud delivers together "
             "(Event Grid)"),
    ([], "it is a JSON array of 0 items; expected a JSON object, or an array of events a cloud delivers together "
         "(Event Grid)"),
    ("hello", "it is a JSON string; expected a JSON object"),
])
def test_an_event_that_is_not_an_object_says_what_it_is(project: Path, payload: object, shape: str) -> None:
    event = project / "odd.json"
    event.write_text(json.dumps(payload))
    code, _, err, _ = _invoke(project, "worker", event)
    assert code == 1
    assert err.splitlines()[0] == f"Error: The event is neither a neutral event file nor a payload of a known cloud ({shape})"
