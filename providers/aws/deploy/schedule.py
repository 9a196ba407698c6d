"""Schedule: an EventBridge Scheduler schedule invoking a function, with its own role and dead letter.

Children: ``role`` (assumed by ``scheduler.amazonaws.com``), ``policy`` (invoke exactly the target,
send to the dead letter), ``dead_letter`` (an SQS queue for invocations that failed after the
retries) and ``schedule``. The expression is translated once by :func:`portable.schedules.for_aws`
and evaluated in the schedule's time zone; the input tells the shim the portable schedule name.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from portable.model import Schedule as ScheduleModel
from portable.schedules import for_aws
from providers.aws.contract import scheduler_input
from providers.aws.deploy.component import AwsComponent
from providers.aws.deploy.function import Function
from providers.aws.deploy.names import Names
from providers.aws.deploy.permissions import grants_policy, trust_policy
from providers.aws.deploy.queue import DEAD_LETTER_RETENTION, encrypted_queue

RETRIES = 2
MAX_EVENT_AGE = 3600


class Schedule(AwsComponent):
    """``portable:aws:Schedule``: ``schedule`` (``aws.scheduler.Schedule``), ``role``, ``policy`` and
    ``dead_letter``. ``name`` is the portable schedule name (``Function.schedules()``), often the
    function's, so the children are named ``<name>-schedule-...``."""

    concept = "Schedule"

    def __init__(
        self,
        name: str,
        schedule: ScheduleModel,
        *,
        names: Names,
        target: Function,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(name, opts)
        translated = for_aws(schedule)
        self.dead_letter = encrypted_queue(
            f"{name}-schedule-dead-letter", names.queue_of("schedule", name), self.child(),
            message_retention_seconds=DEAD_LETTER_RETENTION,
        )
        self.role = aws.iam.Role(
            f"{name}-schedule-role", assume_role_policy=trust_policy("scheduler.amazonaws.com"), opts=self.child()
        )
        self.policy = aws.iam.RolePolicy(
            f"{name}-schedule-policy", role=self.role.id,
            policy=grants_policy([("function", "invoke", target.target_arn), ("queue", "send", self.dead_letter.arn)]),
            opts=self.child(),
        )
        self.schedule = aws.scheduler.Schedule(
            name, name=names.of("schedule", name), schedule_expression=translated.expression,
            schedule_expression_timezone=translated.timezone, flexible_time_window={"mode": "OFF"},
            target={
                "arn": target.target_arn,
                "role_arn": self.role.arn,
                "input": scheduler_input(name),
                "retry_policy": {"maximum_retry_attempts": RETRIES, "maximum_event_age_in_seconds": MAX_EVENT_AGE},
                "dead_letter_config": {"arn": self.dead_letter.arn},
            },
            opts=self.child(self.policy),
        )
        self.exports = {"name": self.schedule.name}
        self.finish()
