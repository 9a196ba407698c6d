"""Monitoring: the alarms every deployed stack gets, where they are sent, and the overrides.

The defaults are on: a stack that says nothing about monitoring still gets an alarm for every function
and every dead letter, and a dashboard. Each cloud turns the policy into its native alarms
(:func:`portable.monitoring.alarms` lists them once for all three).
"""

from __future__ import annotations

import re
from typing import ClassVar

from pydantic import Field, field_validator

from portable.model.base import PortableModel

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

ErrorRate = float | None
"""A fraction of the invocations in a window (``0.05`` is 5%); ``None`` turns the alarm off."""


def _window(value: int | None) -> int | None:
    if value is not None and value % 60:
        raise ValueError(f"window must be a whole number of minutes (a multiple of 60 seconds); got {value}")
    return value


class Notify(PortableModel):
    """Where alarms are sent: e-mail addresses, HTTPS webhooks, and existing native targets.

    ``existing`` names targets the stack does not create, per provider: SNS topic ARNs on ``aws``,
    action group ids on ``azure``, notification channel names on ``gcp``.

    >>> Notify(emails=["ops@example.com"]).emails
    ('ops@example.com',)
    """

    label: ClassVar[str] = "Monitoring notify"

    emails: tuple[str, ...] = ()
    """Addresses that receive every alarm (each cloud asks the address to confirm once)."""
    webhooks: tuple[str, ...] = ()
    """HTTPS URLs that receive every alarm as a JSON POST."""
    existing: dict[str, tuple[str, ...]] = {}
    """Per provider, native notification targets that already exist."""

    @field_validator("emails")
    @classmethod
    def _emails(cls, emails: tuple[str, ...]) -> tuple[str, ...]:
        for email in emails:
            if not _EMAIL.match(email):
                raise ValueError(f"email {email!r} is not an e-mail address (name@domain)")
        return emails

    @field_validator("webhooks")
    @classmethod
    def _webhooks(cls, webhooks: tuple[str, ...]) -> tuple[str, ...]:
        for url in webhooks:
            if not re.match(r"^https://[^\s/]+", url):
                raise ValueError(f"webhook {url!r} must be an https:// URL (alarms may carry resource names)")
        return webhooks

    @property
    def empty(self) -> bool:
        return not (self.emails or self.webhooks or any(self.existing.values()))


class FunctionAlarms(PortableModel):
    """A function's own alarm settings (``Function.alarms``); a field left out keeps the stack's.

    >>> FunctionAlarms(error_rate=0.2).duration is None
    True
    """

    label: ClassVar[str] = "Function alarms"

    enabled: bool | None = None
    """``False``: no alarm for this function."""
    error_rate: float | None = Field(default=None, gt=0, le=1)
    """Alarm when this fraction of invocations fails in the window."""
    min_invocations: int | None = Field(default=None, ge=1)
    """The error-rate alarm stays quiet below this many invocations in the window."""
    window: int | None = Field(default=None, ge=60, le=86400)
    """Seconds the error rate is measured over (whole minutes)."""
    duration: float | None = Field(default=None, gt=0, le=1)
    """Alarm when the p95 duration exceeds this fraction of the function's timeout."""
    throttles: bool | None = None
    """Alarm on any throttled invocation."""

    _whole_minutes = field_validator("window")(_window)


class QueueAlarms(PortableModel):
    """A queue's own alarm settings (``Queue.alarms``); a field left out keeps the stack's."""

    label: ClassVar[str] = "Queue alarms"

    enabled: bool | None = None
    """``False``: no alarm for this queue."""
    dead_letters: bool | None = None
    """Alarm when any message is in the queue's dead letter."""
    oldest_message_age: int | None = Field(default=None, ge=60, le=1209600)
    """Alarm when the oldest waiting message is older than this many seconds."""


class Monitoring(PortableModel):
    """The stack's monitoring policy. Everything is on unless turned off; a function's ``alarms`` and a
    queue's ``alarms`` override it for that one.

    >>> policy = Monitoring(error_rate=0.02, notify=Notify(emails=["ops@example.com"]))
    >>> policy.error_rate, policy.duration
    (0.02, 0.8)
    """

    label: ClassVar[str] = "Monitoring"

    enabled: bool = True
    """``False``: no alarm and no dashboard (for throwaway stacks)."""
    error_rate: float | None = Field(default=0.05, gt=0, le=1)
    """Alarm when this fraction of a function's invocations fails in the window; ``None``: off."""
    min_invocations: int = Field(default=10, ge=1)
    """The error-rate alarm stays quiet below this many invocations in the window."""
    window: int = Field(default=300, ge=60, le=86400)
    """Seconds the error rate and the duration are measured over (whole minutes)."""
    duration: float | None = Field(default=0.8, gt=0, le=1)
    """Alarm when a function's p95 duration exceeds this fraction of its timeout; ``None``: off."""
    throttles: bool = True
    """Alarm on any throttled invocation."""
    dead_letters: bool = True
    """Alarm when any message is in a dead letter (queues, topic subscriptions, schedules, object events)."""
    oldest_message_age: int | None = Field(default=900, ge=60, le=1209600)
    """Alarm when a queue's oldest waiting message is older than this many seconds; ``None``: off."""
    failed_schedules: bool = True
    """Alarm when a schedule's run fails (it lands in the schedule's failure destination)."""
    dashboard: bool = True
    """One dashboard for the stack, with each function's invocations, errors, duration and queues."""
    notify: Notify = Notify()
    """Where alarms are sent."""

    _whole_minutes = field_validator("window")(_window)
