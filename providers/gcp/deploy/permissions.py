"""Least privilege: each link becomes one IAM grant, scoped to the linked resource.

===========  ==============  ===========================================================
kind         access          grant
===========  ==============  ===========================================================
bucket       read            ``roles/storage.objectViewer`` on the bucket
bucket       write, rw       ``roles/storage.objectUser`` on the bucket (Google has no
                             role that creates, overwrites and deletes without reading;
                             a write link's over-grant is listed in the plan notes)
queue        send            ``roles/pubsub.publisher`` on the queue's topic
queue        consume         ``roles/pubsub.subscriber`` on the queue's pull subscription
topic        publish         ``roles/pubsub.publisher`` on the topic
secret       read            ``roles/secretmanager.secretAccessor`` on the secret
table        read            ``roles/datastore.viewer`` on the project, with an IAM
                             condition limiting it to the table's database
table        write, rw       ``roles/datastore.user``, same condition
===========  ==============  ===========================================================

Firestore roles exist only at project level; the condition is the narrowest scope Google offers, and
the plan says so in a note.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_gcp as gcp

from portable.model import Function as FunctionModel
from portable.model import Link
from providers.gcp.deploy.component import GcpComponent
from providers.gcp.deploy.project import Notes

ROLES: dict[tuple[str, str], str] = {
    ("bucket", "read"): "roles/storage.objectViewer",
    ("bucket", "write"): "roles/storage.objectUser",
    ("bucket", "read_write"): "roles/storage.objectUser",
    ("queue", "send"): "roles/pubsub.publisher",
    ("queue", "consume"): "roles/pubsub.subscriber",
    ("topic", "publish"): "roles/pubsub.publisher",
    ("secret", "read"): "roles/secretmanager.secretAccessor",
    ("table", "read"): "roles/datastore.viewer",
    ("table", "write"): "roles/datastore.user",
    ("table", "read_write"): "roles/datastore.user",
}


def grant(owner: GcpComponent, model: FunctionModel, link: Link, resource: Any, member: pulumi.Input[str],
          notes: Notes) -> pulumi.Resource | None:
    """The IAM member resource ``link`` needs, created under ``owner`` (None if there is nothing to grant)."""
    role = ROLES[(link.kind, link.access)]
    name = f"{model.name}-{link.kind}-{link.name}"
    opts = owner.child()
    if link.kind == "bucket":
        if link.access == "write":
            notes.add(f"Function {model.name!r}: its write link to bucket {link.name!r} is granted "
                      "roles/storage.objectUser, which also reads and lists objects (no narrower predefined role)",
                      owner)
        return gcp.storage.BucketIAMMember(name, bucket=resource.bucket.name, role=role, member=member, opts=opts)
    if link.kind == "topic" or (link.kind == "queue" and link.access == "send"):
        return gcp.pubsub.TopicIAMMember(name, project=resource.topic.project, topic=resource.topic.name,
                                         role=role, member=member, opts=opts)
    if link.kind == "queue":
        if resource.pull is None:
            notes.add(f"Function {model.name!r}: queue {link.name!r} is pushed to its consumer, so the "
                      "consume link grants nothing on Google Cloud.", owner)
            return None
        return gcp.pubsub.SubscriptionIAMMember(name, project=resource.pull.project, subscription=resource.pull.name,
                                                role=role, member=member, opts=opts)
    if link.kind == "secret":
        return gcp.secretmanager.SecretIamMember(name, project=resource.secret.project,
                                                 secret_id=resource.secret.secret_id, role=role, member=member,
                                                 opts=opts)
    if link.access == "write":
        notes.add(f"Function {model.name!r}: its write link to table {link.name!r} is granted roles/datastore.user, "
                  "which also reads entities (no narrower predefined role)", owner)
    notes.add(f"Table {link.name!r}: Firestore roles exist only at project level; each linked function's grant "
              "(roles/datastore.user or .viewer) carries an IAM condition limiting it to the table's database.")
    return gcp.projects.IAMMember(
        name, project=resource.project, role=role, member=member,
        condition={"title": f"only table {link.name}",
                   "description": f"portable link of function {model.name} to table {link.name}",
                   "expression": resource.resource_name.apply(lambda r: f'resource.name == "{r}"')},
        opts=opts)
