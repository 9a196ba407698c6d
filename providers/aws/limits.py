"""What AWS Lambda (and the services portable pairs it with) can run: pure data, no SDK.

Values from ../shared/notes/pulumi-mapping.md section 4 (checked late 2026).
"""

from __future__ import annotations

from portable.limits import Limit, NameRule, ProviderLimits

_S3_FORBIDDEN = (
    (r"^xn--", "it may not start with 'xn--'"),
    (r"^sthree-", "it may not start with 'sthree-'"),
    (r"^amzn-s3-demo-", "it may not start with 'amzn-s3-demo-'"),
    (r"-s3alias$", "it may not end with '-s3alias'"),
    (r"--ol-s3$", "it may not end with '--ol-s3'"),
    (r"\.mrap$", "it may not end with '.mrap'"),
    (r"--x-s3$", "it may not end with '--x-s3'"),
    (r"--table-s3$", "it may not end with '--table-s3'"),
)

LIMITS = ProviderLimits(
    name="aws",
    title="AWS Lambda",
    memory=range(128, 10241),
    timeout_max=900,
    http_timeout=Limit(
        30,
        "API Gateway HTTP APIs end a request after 30 s, so portable serves this function's routes through a "
        "Lambda Function URL (up to 900 s) instead of the stack's HTTP API",
        hard=False,
    ),
    python=("3.12", "3.13", "3.14"),
    python_retired={"3.11": "python3.11 runs on Amazon Linux 2, which reached end of life on 2026-06-30"},
    architectures=("x86_64", "arm64"),
    names={
        "function": NameRule("Lambda function", 64, pattern=r"^[A-Za-z0-9_-]{1,64}$"),
        "identity": NameRule("IAM role", 64, pattern=r"^[\w+=,.@-]{1,64}$"),
        "bucket": NameRule(
            "S3 bucket", 63, pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", forbidden=_S3_FORBIDDEN,
        ),
        # 80 characters, less room for the dead letter's "-dlq"
        "queue": NameRule("SQS queue", 76, pattern=r"^[A-Za-z0-9_-]{1,80}$"),
        "topic": NameRule("SNS topic", 256, pattern=r"^[A-Za-z0-9_-]{1,256}$"),
        "table": NameRule("DynamoDB table", 255, pattern=r"^[A-Za-z0-9_.-]{3,255}$"),
        "secret": NameRule("Secrets Manager secret", 512, pattern=r"^[A-Za-z0-9/_+=.@-]{1,512}$"),
        "schedule": NameRule("EventBridge Scheduler schedule", 64, pattern=r"^[0-9A-Za-z_.-]{1,64}$"),
    },
    queue_concurrency=range(2, 1001),
    dead_letter=range(1, 1001),
    max_instances=1000,
    environment_bytes=4096,
    lacks={
        "object.overlapping_filters": "S3 keeps one notification configuration per bucket and rejects "
        "overlapping rules",
    },
    schedules="aws",
    notes=(
        "A queue's visibility timeout is raised to 6x its consumer's timeout (Stack.visibility_timeout).",
        "batch_size above 10 needs a batching window; the adapter sets one.",
    ),
)
