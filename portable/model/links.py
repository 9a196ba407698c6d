"""Links: which resources a function may use, and how. Links become least-privilege permissions."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import model_validator

from portable.model.base import Name, PortableModel

ResourceKind = Literal["bucket", "queue", "topic", "table", "secret"]
Access = Literal["read", "write", "read_write", "send", "consume", "publish"]

ACCESS_BY_KIND: dict[str, tuple[str, ...]] = {
    "bucket": ("read", "write", "read_write"),
    "queue": ("send", "consume"),
    "topic": ("publish",),
    "table": ("read", "write", "read_write"),
    "secret": ("read",),
}
"""The access levels each kind of resource offers."""


class Link(PortableModel):
    """A function's permission to use one resource.

    >>> Link(kind="bucket", name="receipts", access="write").access
    'write'
    """

    label: ClassVar[str] = "Link"

    kind: ResourceKind
    name: Name
    access: Access

    @model_validator(mode="after")
    def _access_fits_kind(self) -> Link:
        allowed = ACCESS_BY_KIND[self.kind]
        if self.access not in allowed:
            choices = " or ".join(repr(a) for a in allowed) if len(allowed) < 3 else (
                ", ".join(repr(a) for a in allowed[:-1]) + f" or {allowed[-1]!r}"
            )
            raise ValueError(
                f"link to {self.kind} {self.name!r} has access {self.access!r}; a {self.kind} allows {choices}"
            )
        return self
