"""The contract between the Google Cloud deploy side and the Cloud Run shim (standard library only).

- Each portable function is a Cloud Run service running the WSGI app :data:`WSGI_APP`
  (e.g. ``gunicorn --bind :$PORT --threads 8 --timeout 0 providers.gcp.runtime:app``, or the stdlib
  fallback :data:`FALLBACK_COMMAND`), with the PORTABLE_* variables (names in :mod:`portable.runtime.env`).
- Plain HTTP requests (any path outside :data:`EVENT_PREFIX`) go to the function's Http routes.
- Event deliveries are POSTed to paths under :data:`EVENT_PREFIX`:

  - :func:`event_path` ``(kind, name)``: Pub/Sub push subscriptions (kind ``queue`` or ``topic``; the
    push envelope, payload unwrapping off) and Eventarc triggers (kind ``bucket`` for Cloud Storage
    ``object.v1.finalized`` / ``object.v1.deleted``, ``topic`` for Pub/Sub; CloudEvents in binary or
    structured mode);
  - :func:`schedule_path` ``(name)``: Cloud Scheduler HTTP targets (POST with an OIDC token); the
    scheduled time is read from the :data:`SCHEDULE_TIME_HEADER` header.

  ``name`` is the portable name of the queue, topic, bucket or schedule.
- Answers: 200 when the handler returned (Pub/Sub acks), 500 when it raised (Pub/Sub / Eventarc
  redeliver, then dead-letter), 400 for a malformed or unsupported event, 403 for a bad event token.
- When the service is public (an Http trigger with ``public=True``), Cloud Run does not check the
  callers' OIDC tokens, so the deploy side also sets :data:`EVENT_TOKEN_ENV` to a random secret and
  appends ``?token=<secret>`` to every push / Eventarc / Scheduler URL; the shim then rejects event
  deliveries without it.
"""

from __future__ import annotations

WSGI_APP = "providers.gcp.runtime:app"
FALLBACK_COMMAND = "python -m providers.gcp.runtime"
"""Serves the app with the standard library's WSGI server on $PORT (no gunicorn needed)."""

EVENT_PREFIX = "/_portable/"
EVENT_KINDS = ("queue", "topic", "bucket")
EVENT_TOKEN_ENV = "PORTABLE_EVENT_TOKEN"
"""Optional: the secret every event delivery must carry as the ``token`` query parameter."""
SCHEDULE_TIME_HEADER = "X-CloudScheduler-ScheduleTime"


def event_path(kind: str, name: str) -> str:
    """Where Pub/Sub push and Eventarc deliver events of portable ``kind`` resource ``name``.

    >>> event_path("bucket", "receipts")
    '/_portable/bucket/receipts'
    """
    if kind not in EVENT_KINDS:
        raise ValueError(f"event kind must be one of {EVENT_KINDS}, not {kind!r}")
    return f"{EVENT_PREFIX}{kind}/{name}"


def schedule_path(name: str) -> str:
    """Where Cloud Scheduler calls for portable schedule ``name``.

    >>> schedule_path("nightly-report")
    '/_portable/schedule/nightly-report'
    """
    return f"{EVENT_PREFIX}schedule/{name}"
