"""What Google Cloud Run (with Pub/Sub, Eventarc and Cloud Scheduler) can run: pure data, no SDK.

Values from ../shared/notes/pulumi-mapping.md sections 3 and 4 (checked late 2026).
"""

from __future__ import annotations

from portable.limits import Limit, NameRule, ProviderLimits

_PUBSUB = r"^(?!goog)[A-Za-z][A-Za-z0-9._~+%-]{2,254}$"
_NOT_GOOG = (r"^goog", "it may not start with 'goog'")

LIMITS = ProviderLimits(
    name="gcp",
    title="Google Cloud Run",
    memory=range(128, 32769),
    timeout_max=3600,
    event_timeout=Limit(
        600, "Pub/Sub push subscriptions, which deliver queue, topic and object events, wait at most 600 s"
    ),
    schedule_timeout=Limit(1800, "Cloud Scheduler waits at most 30 minutes for an HTTP target"),
    python=("3.11", "3.12", "3.13", "3.14"),
    architectures=("x86_64",),
    names={
        "function": NameRule("Cloud Run service", 49, pattern=r"^[a-z](?:[a-z0-9-]{0,47}[a-z0-9])?$"),
        # 6-30 characters: the adapter pads ids shorter than 6, so only the length is checked here
        "identity": NameRule("service account", 30, pattern=r"^[a-z](?:[a-z0-9-]{0,28}[a-z0-9])$"),
        "bucket": NameRule(
            "Cloud Storage bucket", 63, pattern=r"^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$",
            forbidden=(_NOT_GOOG, (r"google|g00gle", "it may not contain 'google'")),
        ),
        # 255 characters, less room for the dead letter's "-dead-letter"
        "queue": NameRule("Pub/Sub topic", 243, pattern=_PUBSUB, forbidden=(_NOT_GOOG,)),
        "topic": NameRule("Pub/Sub topic", 255, pattern=_PUBSUB, forbidden=(_NOT_GOOG,)),
        "table": NameRule("Firestore database", 63, pattern=r"^[a-z][a-z0-9-]{2,61}[a-z0-9]$"),
        "secret": NameRule("Secret Manager secret", 255, pattern=r"^[A-Za-z0-9_-]{1,255}$"),
        "schedule": NameRule("Cloud Scheduler job", 500, pattern=r"^[A-Za-z0-9_-]{1,500}$"),
    },
    dead_letter=range(5, 101),
    max_instances=1000,
    schedules="gcp",
    notes=(
        "Pub/Sub push delivers one message per request: batch_size has no effect.",
        "Object events arrive through Eventarc, which filters by bucket only: the shim applies prefix and suffix.",
    ),
)
