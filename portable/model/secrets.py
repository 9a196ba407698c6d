"""Secrets: values kept in the cloud's secret store, never in config, state or code."""

from __future__ import annotations

from typing import ClassVar

from portable.model.base import Name, Options, PortableModel
from portable.model.links import Link


class Secret(PortableModel):
    """A named secret. Its value is set outside the stack (Pulumi config secret, or locally an env var).

    >>> Secret(name="payment-key").read().access
    'read'
    """

    label: ClassVar[str] = "Secret"
    is_named: ClassVar[bool] = True

    kind: ClassVar[str] = "secret"
    name: Name
    description: str = ""
    options: Options = {}

    def read(self) -> Link:
        return Link(kind="secret", name=self.name, access="read")
