"""Tables: key-value / document storage addressed by a partition key and an optional sort key."""

from __future__ import annotations

import re
from typing import ClassVar

from pydantic import field_validator

from portable.model.base import Name, Options, PortableModel
from portable.model.links import Link

_ATTRIBUTE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


class Table(PortableModel):
    """A table of items (JSON objects). Items are found by ``key`` and, if set, ``sort_key``.

    ``ttl_attribute`` names an attribute holding an expiry time (epoch seconds).
    ``deletion_protection`` (on by default) makes every cloud refuse to delete the table, so a
    ``pulumi destroy`` or a replacement cannot lose its data by accident; set it to ``False`` for
    throwaway stacks.

    >>> Table(name="orders", key="order_id").read_write().access
    'read_write'
    """

    label: ClassVar[str] = "Table"
    is_named: ClassVar[bool] = True

    kind: ClassVar[str] = "table"
    name: Name
    key: str = "id"
    sort_key: str | None = None
    ttl_attribute: str | None = None
    deletion_protection: bool = True
    options: Options = {}

    @field_validator("key", "sort_key", "ttl_attribute")
    @classmethod
    def _attribute_name(cls, value: str | None) -> str | None:
        if value is not None and not _ATTRIBUTE.match(value):
            raise ValueError(
                f"attribute name {value!r} is not allowed; use 1-64 letters, digits and '_', not starting with a digit"
            )
        return value

    def read(self) -> Link:
        return Link(kind="table", name=self.name, access="read")

    def write(self) -> Link:
        return Link(kind="table", name=self.name, access="write")

    def read_write(self) -> Link:
        return Link(kind="table", name=self.name, access="read_write")
