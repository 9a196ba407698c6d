"""Things a user should know about the plan: grants broader than one resource, data kept or lost."""

from __future__ import annotations

import pulumi


class Notes:
    """Plan notes, collected on the deployment and also logged as Pulumi warnings."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, message: str, resource: pulumi.Resource | None = None) -> None:
        if message not in self.items:
            self.items.append(message)
            pulumi.log.warn(message, resource=resource)
