"""The contract between the AWS deploy side and the AWS shim, in one place (standard library only).

- Every Lambda function uses the handler :data:`LAMBDA_HANDLER` and gets the PORTABLE_* variables
  (names in :mod:`portable.runtime.env`).
- SQS event source mappings set ``FunctionResponseTypes=["ReportBatchItemFailures"]`` (:data:`SQS_RESPONSE_TYPES`):
  the shim answers ``{"batchItemFailures": [{"itemIdentifier": <messageId>}, ...]}`` listing exactly the
  messages whose handler raised.
- SNS subscriptions invoke the function directly (one record per invocation); S3 notifications go to
  the function directly or through EventBridge (``Object Created`` / ``Object Deleted``).
- EventBridge Scheduler targets send :func:`scheduler_input` as the target input, so the shim learns the
  portable schedule name and the scheduled time. Scheduled events of EventBridge rules and Scheduler's
  default payload are also accepted (then the name is the rule's / schedule's physical name).
- PORTABLE_LINKS entries carry ``id`` (bucket name, queue URL, topic ARN, table name, secret ARN) and
  ``arn``; every trigger source is listed (access ``"trigger"`` when the function has no other link to
  it) so the shim maps the event's bucket name / queue ARN / topic ARN back to the portable name.
"""

from __future__ import annotations

import json

LAMBDA_HANDLER = "providers.aws.runtime.handler"
"""The ``handler`` setting of every portable Lambda function."""

SQS_RESPONSE_TYPES = ["ReportBatchItemFailures"]
"""``FunctionResponseTypes`` of every SQS event source mapping."""

SCHEDULE_MARKER = "portable"
"""Top-level key of the Scheduler input that marks a portable schedule invocation."""


def scheduler_input(schedule: str) -> str:
    """The EventBridge Scheduler target ``Input`` for portable schedule ``schedule``.

    Scheduler substitutes the ``<aws.scheduler.*>`` context attributes before invoking.

    >>> json.loads(scheduler_input("nightly-report"))["portable"]["schedule"]
    'nightly-report'
    """
    return json.dumps({
        SCHEDULE_MARKER: {
            "schedule": schedule,
            "time": "<aws.scheduler.scheduled-time>",
            "id": "<aws.scheduler.execution-id>",
        }
    })
