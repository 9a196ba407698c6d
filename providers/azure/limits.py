"""What Azure Functions on the Flex Consumption plan can run: pure data, no SDK.

Values from ../shared/notes/pulumi-mapping.md sections 2.1 and 4 (checked late 2026).
"""

from __future__ import annotations

from portable.limits import Limit, NameRule, ProviderLimits

_STORAGE = r"^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$"

LIMITS = ProviderLimits(
    name="azure",
    title="Azure Flex Consumption",
    memory=(512, 2048, 4096),
    http_timeout=Limit(230, "Azure ends an HTTP request whose response has not started within 230 s"),
    python=("3.11", "3.12", "3.13", "3.14"),
    architectures=("x86_64",),
    names={
        "function": NameRule(
            "function app", 60, pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,58}[A-Za-z0-9])$"
        ),
        "bucket": NameRule("blob container", 63, pattern=_STORAGE),
        # 63 characters, less room for the poison queue's "-poison"
        "queue": NameRule("storage queue", 56, pattern=_STORAGE),
        "topic": NameRule(
            "Service Bus topic", 260, pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,258}[A-Za-z0-9])?$"
        ),
        "table": NameRule("storage table", 63, charset="alnum", pattern=r"^[A-Za-z][A-Za-z0-9]{2,62}$"),
        "secret": NameRule("Key Vault secret", 127, pattern=r"^[0-9A-Za-z-]{1,127}$"),
        "schedule": NameRule("timer function", 128, pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,127}$"),
    },
    batch_size=Limit(
        32, "the Azure Storage queue trigger fetches at most 32 messages at a time, so portable asks for 32",
        hard=False,
    ),
    max_instances=1000,
    schedules="azure",
    notes=(
        "Timer triggers run in UTC (WEBSITE_TIME_ZONE is not supported on Flex Consumption).",
        "Flex Consumption runs Linux x86_64 only; packages are built for it.",
    ),
)
