"""Physical names on Azure, through :func:`portable.naming.physical_name`.

Names inside the stack's own accounts and namespace are ``{stack}-{name}``. Globally unique names
(storage accounts, Function Apps, the Service Bus namespace, the Key Vault) end with a short hash of
the Pulumi project, the Pulumi stack and the portable stack, so two deployments of one application
(``dev``, ``prod``) do not collide.

Host IDs: the Functions host derives its ID from the first 32 characters of the app name, and two apps
that share a host storage account and those 32 characters collide (AZFD0004, the host stops). Apps of
one stack share the host account and, with long stack names, their first 32 characters; rather than
making app names unreadable, each app gets the ``AzureFunctionsWebHost__hostid`` setting
:meth:`Names.host_id`, unique within the stack by construction (``{stack}-{function}``, cut with a hash
of the full name past 32 characters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portable.naming import physical_name, short_hash

POISON_SUFFIX = "-poison"
HOST_ID_LIMIT = 32
"""The Functions host's ID: at most 32 lowercase letters, digits and ``-``."""
PLAN_SUFFIX = "-plan"
PLAN_LIMIT = 60
"""The Functions host moves a message that failed ``maxDequeueCount`` times to ``<queue>-poison``."""


@dataclass(frozen=True)
class Names:
    """Physical names for one deployment of a portable stack."""

    stack: str
    project: str = "project"
    environment: str = "stack"

    @property
    def suffix(self) -> str:
        return short_hash(f"{self.project}/{self.environment}/{self.stack}")

    def resource_group(self) -> str:
        return f"{physical_name(self.stack, 'rg', 80)}-{self.suffix[:6]}"

    def storage_account(self, role: str) -> str:
        """3-24 lowercase letters and digits; ``role`` is ``data`` (user resources) or ``host``."""
        return f"{physical_name(self.stack, '', 14, 'alnum')}{role[0]}{self.suffix}"

    def function_app(self, function: str) -> str:
        return f"{physical_name(self.stack, function, 53)}-{self.suffix[:6]}"

    def app_service_plan(self, function: str) -> str:
        """The function's own Flex plan: 1-60 characters, ``{app name}-plan`` where that fits."""
        head = physical_name(self.stack, function, PLAN_LIMIT - len(PLAN_SUFFIX) - 7)
        return f"{head}-{self.suffix[:6]}{PLAN_SUFFIX}"

    def host_id(self, function: str) -> str:
        """The app's Functions host ID (``AzureFunctionsWebHost__hostid``), unique within the stack.

        >>> Names("northwind-billing-production").host_id("invoice-api")
        'northwind-billing-produ-ffbf07ed'
        >>> Names("orders").host_id("api")
        'orders-api'
        """
        return physical_name(self.stack, function, HOST_ID_LIMIT)

    def service_bus_namespace(self) -> str:
        return f"{physical_name(self.stack, 'bus', 40)}-{self.suffix}"

    def key_vault(self) -> str:
        return f"{physical_name(self.stack, '', 14, 'alnum')}kv{self.suffix}"

    def container(self, bucket: str) -> str:
        return physical_name(self.stack, bucket, 63)

    def queue(self, queue: str) -> str:
        return physical_name(self.stack, queue, 63 - len(POISON_SUFFIX))

    @staticmethod
    def poison_queue(queue: str) -> str:
        return queue + POISON_SUFFIX

    def events_queue(self, function: str, index: int) -> str:
        """The queue Event Grid feeds with the object events of trigger ``index`` of ``function``."""
        return physical_name(self.stack, f"{function}-events-{index}", 63 - len(POISON_SUFFIX))

    def events_dead_letters(self, function: str, index: int) -> str:
        """The blob container where Event Grid dead-letters the object events of trigger ``index`` of
        ``function`` that it could not deliver to their queue."""
        return physical_name(self.stack, f"{function}-events-{index}-dead-letters", 63)

    def table(self, table: str) -> str:
        return physical_name(self.stack, table, 63, "alnum")

    def topic(self, topic: str) -> str:
        return physical_name(self.stack, topic, 260)

    @staticmethod
    def subscription(function: str) -> str:
        return function[:50]

    @staticmethod
    def package_container(function: str) -> str:
        return physical_name("code", function, 63)

    @staticmethod
    def secret(secret: str) -> str:
        return secret

    @staticmethod
    def secret_setting(secret: str) -> str:
        """The app setting whose Key Vault reference resolves to the secret's value."""
        return "PORTABLE_SECRET_" + re.sub(r"[^A-Z0-9]", "_", secret.upper())
