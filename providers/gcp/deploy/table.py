"""``portable:gcp:Table``: one Firestore database (native mode) per table, holding one collection.

A database per table is deliberate: Firestore IAM roles exist only at project level and can be
narrowed by an IAM condition on the database, never on a collection, so the database is the
smallest scope a link's grant can have.

Deletion is deliberate too: delete protection is on unless the table says
``deletion_protection=False``, so ``pulumi destroy`` (or a replacement) fails rather than delete the
data; ``deletion_policy="DELETE"`` makes a destroy of an unprotected table delete it (pulumi-gcp's
default, ``ABANDON``, would leave an orphan database whose name stays taken); point-in-time recovery
is on.

Queries by partition key and sort-key prefix need a composite index (key, sort key), created here;
a ``ttl_attribute`` gets a TTL policy on the Timestamp copy the runtime client writes.
"""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp

from portable.model import Table as TableModel
from portable.native import native_args
from providers.gcp.deploy.component import LinkedResource
from providers.gcp.deploy.names import Names
from providers.gcp.deploy.project import Project
from providers.gcp.documents import EXPIRES_FIELD


class Table(LinkedResource):
    """``portable:gcp:Table``: ``database``, ``index`` (with a sort key) and ``ttl`` (with a ``ttl_attribute``)."""

    concept = "Table"

    def __init__(self, name: str, model: TableModel, *, names: Names, project: Project,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts, needs=project.services)
        settings = project.settings
        self.model = model
        self.project = settings.project
        args = native_args("gcp", f"Table {model.name!r}", gcp.firestore.Database, {
            "name": names.database(model.name), "project": settings.project,
            "location_id": settings.firestore_location, "type": "FIRESTORE_NATIVE",
            "point_in_time_recovery_enablement": "POINT_IN_TIME_RECOVERY_ENABLED",
            "delete_protection_state": "DELETE_PROTECTION_ENABLED" if model.deletion_protection
            else "DELETE_PROTECTION_DISABLED",
            "deletion_policy": "DELETE",
        }, model.options)
        self.database = gcp.firestore.Database(model.name, opts=self.child(), **args)
        self.collection = model.name
        self.resource_name: pulumi.Output[str] = self.database.name.apply(
            lambda db: f"projects/{settings.project}/databases/{db}")
        self.index = self.ttl = None
        if model.sort_key:
            self.index = gcp.firestore.Index(
                f"{model.name}-key-sort", project=settings.project, database=self.database.name,
                collection=model.name, query_scope="COLLECTION",
                fields=[{"field_path": model.key, "order": "ASCENDING"},
                        {"field_path": model.sort_key, "order": "ASCENDING"}],
                opts=self.child())
        if model.ttl_attribute:
            self.ttl = gcp.firestore.Field(
                f"{model.name}-ttl", project=settings.project, database=self.database.name,
                collection=model.name, field=EXPIRES_FIELD, ttl_config=gcp.firestore.FieldTtlConfigArgs(),
                opts=self.child())
        self.link = {
            "id": self.resource_name.apply(lambda r: f"{r}/documents/{model.name}"),
            "project": self.project, "database": self.database.name, "collection": model.name,
        }
        self.finish({"database": self.database.name, "collection": self.collection})
