"""Physical names on Azure, through :func:`portable.naming.physical_name`.

Names inside the stack's own accounts and namespace are ``{stack}-{name}``. Globally unique names
(storage accounts, Function Apps, the Service Bus namespace, the Key Vault) end with a short hash of
the Pulumi project, the Pulumi stack and the portable stack, so two deployments of one application
(``dev``, ``prod``) do not collide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portable.naming import physical_name, short_hash

POISON_SUFFIX = "-poison"
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
