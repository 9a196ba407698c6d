"""Physical names on AWS: the rules of :data:`providers.aws.limits.LIMITS` applied through
:mod:`portable.naming`, so ``portable.registry.check_stack(stack, "aws")`` validates exactly the names deployed.

Regional resources are named ``{stack}-{name}`` (cut with a hash to fit). Two kinds are left to AWS
on purpose: IAM roles and their inline policies get Pulumi's auto-names (IAM is global to the account,
so a fixed name would clash when the stack is deployed to a second region), and S3 buckets get a
``bucket_prefix`` to which AWS appends a unique suffix (bucket names are global to all of AWS).
"""

from __future__ import annotations

from dataclasses import dataclass

from portable.naming import physical_name
from providers.aws.limits import LIMITS

QUEUE_MAX_LENGTH = 80
API_MAX_LENGTH = 128
BUCKET_PREFIX_MAX_LENGTH = 37

_OWNED_QUEUE_SUFFIX = {"queue": "_dlq", "function": "_failures", "schedule": "_schedule_dlq"}


@dataclass(frozen=True)
class Names:
    """The physical names of one stack's resources."""

    stack: str

    def of(self, kind: str, name: str) -> str:
        """The name of the ``kind`` resource ``name`` (kinds as in ``LIMITS.names``)."""
        return LIMITS.names[kind].physical(self.stack, name)

    def api(self) -> str:
        """The stack's HTTP API: one per stack, named after it."""
        return physical_name(self.stack, "", API_MAX_LENGTH)

    def bucket_prefix(self, name: str) -> str:
        return physical_name(self.stack, name, BUCKET_PREFIX_MAX_LENGTH - 1) + "-"

    def log_group(self, function: str) -> str:
        """Lambda's own log group name for the function, so Lambda writes where the retention is set."""
        return f"/aws/lambda/{self.of('function', function)}"

    def access_log_group(self) -> str:
        return f"/aws/http-api/{self.api()}"

    def queue_of(self, owner: str, name: str) -> str:
        """An SQS queue that belongs to another object: a queue's dead letter (``owner="queue"``), a
        function's failed asynchronous invocations (``"function"``) or a schedule's dead letter
        (``"schedule"``). ``_`` cannot occur in a portable name, so these never clash with a declared
        queue."""
        return physical_name(self.stack, f"{name}{_OWNED_QUEUE_SUFFIX[owner]}", QUEUE_MAX_LENGTH)
