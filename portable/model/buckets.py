"""Buckets: object storage, private and encrypted on every cloud."""

from __future__ import annotations

from typing import ClassVar

from portable.model.base import Name, Options, PortableModel
from portable.model.links import Link
from portable.model.triggers import ObjectEventKind, ObjectTrigger


class Bucket(PortableModel):
    """An object store. ``versioned`` keeps old versions of overwritten objects.

    >>> Bucket(name="receipts").write()
    Link(kind='bucket', name='receipts', access='write')
    """

    label: ClassVar[str] = "Bucket"
    is_named: ClassVar[bool] = True

    kind: ClassVar[str] = "bucket"
    name: Name
    versioned: bool = False
    options: Options = {}

    def read(self) -> Link:
        return Link(kind="bucket", name=self.name, access="read")

    def write(self) -> Link:
        return Link(kind="bucket", name=self.name, access="write")

    def read_write(self) -> Link:
        return Link(kind="bucket", name=self.name, access="read_write")

    def on(self, *events: ObjectEventKind, prefix: str = "", suffix: str = "") -> ObjectTrigger:
        return ObjectTrigger(bucket=self.name, events=events or ("created",), prefix=prefix, suffix=suffix)

    def on_created(self, *, prefix: str = "", suffix: str = "") -> ObjectTrigger:
        return self.on("created", prefix=prefix, suffix=suffix)

    def on_deleted(self, *, prefix: str = "", suffix: str = "") -> ObjectTrigger:
        return self.on("deleted", prefix=prefix, suffix=suffix)
