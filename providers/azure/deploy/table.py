"""``portable:azure:Table``: a Table storage table in the stack's data storage account."""

from __future__ import annotations

import pulumi
from pulumi_azure_native import storage

from portable.model import Table as TableModel
from portable.native import native_args
from providers.azure.deploy.component import LinkedResource
from providers.azure.deploy.foundation import Foundation
from providers.azure.deploy.names import Names


class Table(LinkedResource):
    """A Table storage table (see :mod:`providers.azure.table_client` for why not Cosmos DB)."""

    concept = "Table"

    def __init__(self, name: str, table: TableModel, *, names: Names, foundation: Foundation,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        args = native_args("azure", f"Table {table.name!r}", storage.Table, {
            "resource_group_name": foundation.resource_group.name,
            "account_name": foundation.data_account.name,
            "table_name": names.table(table.name),
        }, table.options)
        self.table = storage.Table(f"{name}-table", **args, opts=self.child())
        self.scope = self.table.id
        self.link = {"id": self.table.name, "url": foundation.endpoint("table")}
        self.exports = {"table": self.table.name}
        self.finish()
