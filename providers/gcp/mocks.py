"""A fake Google Cloud for ``portable plan``: the outputs Google would compute (emails, URLs, ids,
generations), derived from the inputs so a plan is the same on every run, and answers to the invokes
the deploy side makes (``getProject``, ``getProjectServiceAccount``, ``getTransferProjectServiceAccount``).

Every output the deploy side chains on must appear here (Pulumi resolves a missing one to ``None``
and drops the inputs built from it): ``email``, ``uri``, ``generation``, ``location``, ``result`` and
the ``projects/...`` ids of topics, subscriptions, databases and secrets. Wire (camelCase) names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from portable.plan.mocks import RecordingMocks

PROJECT_NUMBER = "123456789012"

Outputs = Callable[["GcpCloud", str, Mapping[str, Any]], tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class GcpCloud:
    """Fake outputs for the resource types the Google Cloud provider creates; others echo their name."""

    project: str = "portable-plan"
    region: str = "europe-west1"
    number: str = PROJECT_NUMBER

    def outputs(self, type_: str, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        make = _OUTPUTS.get(type_)
        if make is not None:
            return make(self, name, inputs)
        physical = str(inputs.get("name") or name)
        return physical, {"name": physical}

    def call(self, token: str, args: Mapping[str, Any]) -> dict[str, Any]:
        if token == "gcp:organizations/getProject:getProject":
            project = str(args.get("projectId") or self.project)
            return {"projectId": project, "number": self.number, "name": project, "id": f"projects/{project}"}
        if token == "gcp:storage/getProjectServiceAccount:getProjectServiceAccount":
            email = f"service-{self.number}@gs-project-accounts.iam.gserviceaccount.com"
            return {"emailAddress": email, "member": f"serviceAccount:{email}", "id": email}
        if token == "gcp:storage/getTransferProjectServiceAccount:getTransferProjectServiceAccount":
            email = f"project-{self.number}@storage-transfer-service.iam.gserviceaccount.com"
            return {"email": email, "member": f"serviceAccount:{email}", "id": email, "subjectId": self.number}
        return {}

    def summary(self, type_: str, inputs: Mapping[str, Any]) -> str:
        """The key inputs of a resource in one line: names, places, roles and members, wiring."""
        keys = _KEY_INPUTS.get(type_, ("name",))
        parts = [f"{key}={_short(inputs[key])}" for key in keys if inputs.get(key) not in (None, "", [], {})]
        condition = inputs.get("condition")
        if isinstance(condition, dict) and condition.get("expression"):
            parts.append(f"if {condition['expression']}")
        return ", ".join(parts)

    def _project(self, inputs: Mapping[str, Any]) -> str:
        return str(inputs.get("project") or self.project)


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _account(cloud: GcpCloud, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    project = cloud._project(inputs)
    email = f"{inputs['accountId']}@{project}.iam.gserviceaccount.com"
    resource = f"projects/{project}/serviceAccounts/{email}"
    return resource, {"email": email, "member": f"serviceAccount:{email}", "name": resource,
                      "uniqueId": str(int(hashlib.sha256(email.encode()).hexdigest()[:15], 16)), "project": project}


def _service(cloud: GcpCloud, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    physical, location = str(inputs.get("name") or name), str(inputs.get("location") or cloud.region)
    uri = f"https://{physical}-{cloud.number}.{location}.run.app"
    return (f"projects/{cloud._project(inputs)}/locations/{location}/services/{physical}",
            {"name": physical, "uri": uri, "urls": [uri]})


def _bucket(cloud: GcpCloud, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    physical = str(inputs.get("name") or name)
    return physical, {"name": physical, "url": f"gs://{physical}", "location": str(inputs.get("location", "US")).upper(),
                      "selfLink": f"https://www.googleapis.com/storage/v1/b/{physical}"}


def _object(cloud: GcpCloud, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    physical = str(inputs.get("name") or name)
    return f"{inputs.get('bucket')}-{physical}", {"name": physical, "generation": 1700000000000000,
                                                   "mediaLink": f"gs://{inputs.get('bucket')}/{physical}"}


def _in_project(collection: str, key: str = "name") -> Outputs:
    def make(cloud: GcpCloud, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        physical = str(inputs.get(key) or name)
        resource = f"projects/{cloud._project(inputs)}/{collection}/{physical}"
        outputs = {"name": resource if key != "name" else physical, "project": cloud._project(inputs)}
        return resource, outputs

    return make


def _located(collection: str) -> Outputs:
    def make(cloud: GcpCloud, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        physical = str(inputs.get("name") or name)
        location = inputs.get("region") or inputs.get("location") or cloud.region
        return f"projects/{cloud._project(inputs)}/locations/{location}/{collection}/{physical}", {"name": physical}

    return make


def _password(cloud: GcpCloud, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    return name, {"result": "t" * int(inputs.get("length", 16))}


_OUTPUTS: dict[str, Outputs] = {
    "gcp:serviceaccount/account:Account": _account,
    "gcp:cloudrunv2/service:Service": _service,
    "gcp:storage/bucket:Bucket": _bucket,
    "gcp:storage/bucketObject:BucketObject": _object,
    "gcp:pubsub/topic:Topic": _in_project("topics"),
    "gcp:pubsub/subscription:Subscription": _in_project("subscriptions"),
    "gcp:firestore/database:Database": _in_project("databases"),
    "gcp:secretmanager/secret:Secret": _in_project("secrets", key="secretId"),
    "gcp:cloudscheduler/job:Job": _located("jobs"),
    "gcp:eventarc/trigger:Trigger": _located("triggers"),
    "random:index/randomPassword:RandomPassword": _password,
}

_KEY_INPUTS: dict[str, tuple[str, ...]] = {
    "gcp:projects/service:Service": ("service",),
    "gcp:storage/transferJob:TransferJob": ("description", "project"),
    "gcp:serviceaccount/account:Account": ("accountId",),
    "gcp:cloudrunv2/service:Service": ("name", "location", "ingress"),
    "gcp:storage/bucket:Bucket": ("name", "location", "publicAccessPrevention"),
    "gcp:storage/bucketObject:BucketObject": ("bucket", "name"),
    "gcp:pubsub/topic:Topic": ("name",),
    "gcp:pubsub/subscription:Subscription": ("name", "topic"),
    "gcp:firestore/database:Database": ("name", "locationId", "deletionPolicy"),
    "gcp:firestore/index:Index": ("database", "collection"),
    "gcp:firestore/field:Field": ("database", "collection", "field"),
    "gcp:secretmanager/secret:Secret": ("secretId",),
    "gcp:cloudscheduler/job:Job": ("name", "schedule", "timeZone"),
    "gcp:eventarc/trigger:Trigger": ("name", "location"),
    "gcp:storage/bucketIAMMember:BucketIAMMember": ("bucket", "role", "member"),
    "gcp:pubsub/topicIAMMember:TopicIAMMember": ("topic", "role", "member"),
    "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember": ("subscription", "role", "member"),
    "gcp:secretmanager/secretIamMember:SecretIamMember": ("secretId", "role", "member"),
    "gcp:projects/iAMMember:IAMMember": ("project", "role", "member"),
    "gcp:serviceaccount/iAMMember:IAMMember": ("serviceAccountId", "role", "member"),
    "gcp:cloudrunv2/serviceIamMember:ServiceIamMember": ("name", "role", "member"),
}


class GcpMocks(RecordingMocks):
    """Pulumi mocks answering like Google Cloud (the bench and ad-hoc programs use it directly)."""

    def __init__(self, project: str = "portable-plan", region: str = "europe-west1") -> None:
        super().__init__(GcpCloud(project=project, region=region))
