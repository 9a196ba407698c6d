"""Least-privilege IAM policies: every statement names its actions and its resource, nothing else.

:data:`ACCESS` is the one table of what each portable access level allows on AWS. A function gets one
``aws.iam.RolePolicy`` per link (and per implied grant: the queue its event source mapping polls, the
queue its failed asynchronous invocations go to), built by :func:`grant_policy` and scoped to exactly
that resource and its sub-paths. No statement that allows anything has a ``*`` action or a ``*``
resource; the one exception in the whole provider is X-Ray's managed write-only policy (see
:data:`XRAY_POLICY_ARN`).

Every bucket, queue and topic also gets a resource policy from :func:`tls_only_policy`: one ``Deny``
of all the service's actions (``s3:*``, ``sqs:*``, ``sns:*``) to every principal when
``aws:SecureTransport`` is false, as AWS's security best practices recommend. It denies, so it grants
nothing; access stays with the roles' identity policies.

Policies are built with ``json.dumps`` inside ``Output.apply`` (no ``get_policy_document`` invoke), so
they are exact, deterministic and testable under mocks.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

VERSION = "2012-10-17"


@dataclass(frozen=True)
class Rule:
    """Actions allowed on resources given as templates of the resource's ARN (``{arn}/*``)."""

    actions: tuple[str, ...]
    resources: tuple[str, ...] = ("{arn}",)

    def statement(self, arn: str) -> dict[str, Any]:
        return {
            "Effect": "Allow",
            "Action": list(self.actions),
            "Resource": [template.format(arn=arn) for template in self.resources],
        }


_OBJECTS_READ = Rule(("s3:GetObject",), ("{arn}/*",))
_OBJECTS_WRITE = Rule(("s3:PutObject", "s3:DeleteObject"), ("{arn}/*",))
_OBJECTS_READ_WRITE = Rule((*_OBJECTS_READ.actions, *_OBJECTS_WRITE.actions), ("{arn}/*",))
_BUCKET_LIST = Rule(("s3:ListBucket",))
_ITEMS_READ = Rule(("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"), ("{arn}", "{arn}/index/*"))
_ITEMS_WRITE = Rule(("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"))

ACCESS: dict[tuple[str, str], tuple[Rule, ...]] = {
    ("bucket", "read"): (_OBJECTS_READ, _BUCKET_LIST),
    ("bucket", "write"): (_OBJECTS_WRITE,),
    ("bucket", "read_write"): (_OBJECTS_READ_WRITE, _BUCKET_LIST),
    ("table", "read"): (_ITEMS_READ,),
    ("table", "write"): (_ITEMS_WRITE,),
    ("table", "read_write"): (_ITEMS_READ, _ITEMS_WRITE),
    ("queue", "send"): (Rule(("sqs:SendMessage",)),),
    ("queue", "consume"): (
        Rule(("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes")),
    ),
    ("topic", "publish"): (Rule(("sns:Publish",)),),
    ("secret", "read"): (Rule(("secretsmanager:GetSecretValue",)),),
    ("log-group", "write"): (Rule(("logs:CreateLogStream", "logs:PutLogEvents"), ("{arn}:*",)),),
    ("function", "invoke"): (Rule(("lambda:InvokeFunction",)),),
}
"""(kind, access) -> the rules granted on one resource of that kind. The portable link levels, plus
``log-group/write`` (a function's own log group) and ``function/invoke`` (a schedule's target)."""

XRAY_POLICY_ARN = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"
"""The single grant on ``*`` in this provider: X-Ray's ``PutTraceSegments``/``PutTelemetryRecords``
(and sampling reads) support no resource-level permissions, so AWS's managed write-only policy is
attached to each function role for active tracing. It allows writing traces, nothing else."""


def statements(kind: str, access: str, arn: str) -> list[dict[str, Any]]:
    """The statements granting ``access`` on the ``kind`` resource ``arn``."""
    return [rule.statement(arn) for rule in ACCESS[(kind, access)]]


def document(statement_list: Sequence[dict[str, Any]]) -> str:
    """A policy document as IAM wants it (stable key order, compact)."""
    return json.dumps({"Version": VERSION, "Statement": list(statement_list)}, separators=(",", ":"))


def grant_policy(kind: str, access: str, arn: pulumi.Input[str]) -> pulumi.Output[str]:
    """The policy document granting ``access`` on the ``kind`` resource ``arn``."""
    return pulumi.Output.from_input(arn).apply(lambda resolved: document(statements(kind, access, resolved)))


def grants_policy(grants: Sequence[tuple[str, str, pulumi.Input[str]]]) -> pulumi.Output[str]:
    """One document for several ``(kind, access, arn)`` grants (a schedule's role)."""
    arns = [arn for _, _, arn in grants]
    return pulumi.Output.all(*arns).apply(
        lambda resolved: document(
            [s for (kind, access, _), arn in zip(grants, resolved, strict=True) for s in statements(kind, access, arn)]
        )
    )


def tls_only_policy(service: str, arn: pulumi.Input[str], resources: Sequence[str] = ("{arn}",)) -> pulumi.Output[str]:
    """The resource policy refusing every request to ``arn`` (and ``resources``, templates of it) made
    without TLS; ``service`` is the IAM prefix (``s3``, ``sqs``, ``sns``).

    >>> import json; json.loads(document([tls_only_statement("sqs", ["arn:aws:sqs:eu-west-1:1:jobs"])]))["Statement"][0]
    {'Sid': 'DenyInsecureTransport', 'Effect': 'Deny', 'Principal': '*', 'Action': 'sqs:*', 'Resource': ['arn:aws:sqs:eu-west-1:1:jobs'], 'Condition': {'Bool': {'aws:SecureTransport': 'false'}}}
    """
    return pulumi.Output.from_input(arn).apply(
        lambda resolved: document([tls_only_statement(service, [r.format(arn=resolved) for r in resources])]))


def tls_only_statement(service: str, resources: Sequence[str]) -> dict[str, Any]:
    return {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": f"{service}:*",
            "Resource": list(resources), "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def trust_policy(service: str) -> str:
    """The assume-role policy letting the AWS service ``service`` (``lambda.amazonaws.com``) use a role."""
    return document([{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}])
