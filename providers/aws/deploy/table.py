"""Table: DynamoDB on demand, with point-in-time recovery, encryption and TTL when set."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from portable.model import Table as TableModel
from portable.native import native_args
from providers.aws.deploy.component import LinkedResource
from providers.aws.deploy.names import Names

_RESERVED = {
    "name": "The table's physical name is derived from the stack and table names.",
    "hash_key": "Set Table(key=...) instead.",
    "range_key": "Set Table(sort_key=...) instead.",
    "ttl": "Set Table(ttl_attribute=...) instead.",
}


class Table(LinkedResource):
    """``portable:aws:Table``: ``table`` (``aws.dynamodb.Table``). Keys are strings."""

    concept = "Table"

    def __init__(
        self, name: str, table: TableModel, *, names: Names, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, opts)
        keys = [table.key] if table.sort_key is None else [table.key, table.sort_key]
        derived: dict[str, Any] = {
            "name": names.of("table", name),
            "billing_mode": "PAY_PER_REQUEST",
            "hash_key": table.key,
            "range_key": table.sort_key,
            "attributes": [{"name": key, "type": "S"} for key in keys],
            "point_in_time_recovery": {"enabled": True},
            "server_side_encryption": {"enabled": True},
            "deletion_protection_enabled": table.deletion_protection,
        }
        if table.ttl_attribute is not None:
            derived["ttl"] = {"attribute_name": table.ttl_attribute, "enabled": True}
        args = native_args("aws", f"Table {name!r}", aws.dynamodb.Table, derived, table.options, reserved=_RESERVED)
        self.table = aws.dynamodb.Table(name, **args, opts=self.child())
        self.arn = self.table.arn
        self.link = {"id": self.table.name, "arn": self.table.arn}
        self.exports = {"name": self.table.name}
        self.finish()
