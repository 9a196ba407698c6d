"""Every AWS fixture of ../shared/fixtures/events through the unpacked bundle of the orders API function:
each is either handled (an HTTP answer, or a result for the other event families) or answered as the shim
answers an event it does not support (an ``UnsupportedEvent`` naming what arrived), never a crash of any
other kind.

    PYTHONPATH=$PWD python -m pytest tests/conformance/test_fixtures_aws.py -q
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conformance.boxes.aws import AwsBox
from tests.conformance.plans import ORDERS

FIXTURES = sorted((Path(__file__).parents[3] / "shared" / "fixtures" / "events" / "aws").glob("*.json"))


@pytest.fixture(scope="module")
def aws_box(moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AwsBox]:
    opened = AwsBox(ORDERS, tmp_path_factory.mktemp("aws-fixtures"), moto_server)
    try:
        yield opened
    finally:
        opened.close()


def _api_function(box: AwsBox) -> str:
    [integration] = box.plan.of_type("aws:apigatewayv2/integration:Integration")
    return str(integration.inputs["integrationUri"].rsplit(":function:", 1)[-1].removesuffix("/invocations"))


def _function_for(box: AwsBox, fixture: str) -> str:
    """The physical name of the function the platform would hand this kind of event to."""
    if fixture.startswith("s3-"):
        return box.s3_routes[0][1]
    if fixture.startswith("sns-"):
        return box.sns_routes[0][1]
    if fixture.startswith(("eventbridge-scheduled", "eventbridge-scheduler")):
        [schedule] = box.plan.of_type("aws:scheduler/schedule:Schedule")
        return str(schedule.inputs["target"]["arn"].rsplit(":", 1)[-1])
    return _api_function(box)  # HTTP, and every family no orders function is triggered by


def test_the_fixtures_are_there() -> None:
    assert len(FIXTURES) >= 30, f"expected the AWS fixtures in ../shared/fixtures/events/aws, found {len(FIXTURES)}"


PLAIN_TEXT_SNS = pytest.mark.xfail(strict=True, reason="the fixture's SNS message is plain text and the orders "
                                   "audit-log handler reads JSON bodies (MalformedEvent from the message, not the shim)")


@pytest.mark.parametrize("fixture", [pytest.param(f, marks=PLAIN_TEXT_SNS) if f.stem == "sns-notification" else f
                                     for f in FIXTURES], ids=lambda p: p.stem)
def test_every_aws_fixture_is_handled_or_refused_as_unsupported(aws_box: AwsBox, fixture: Path) -> None:
    event: Any = json.loads(fixture.read_text())
    answer = aws_box._invoke(_function_for(aws_box, fixture.stem), event)
    if "error" in answer:
        assert answer["error"].startswith("UnsupportedEvent: "), f"aws: {fixture.name} crashed: {answer['error']}"
    else:
        assert answer["result"] is None or isinstance(answer["result"], dict), f"aws: {fixture.name}: {answer}"
