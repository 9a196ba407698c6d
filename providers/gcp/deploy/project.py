"""The stack's footing in the project: where it goes, the APIs it needs, the code bucket, the trigger identity.

- :class:`GcpSettings`: the Google Cloud project and region, read from the Pulumi stack config
  (``gcp:project`` and ``gcp:region``, the Google provider's own keys); ``portable:firestoreLocation``
  optionally puts the Firestore databases elsewhere (a multi-region such as ``eur3``; default: the region).
- :class:`Notes`: what a user should know about the plan (grants broader than one resource, data kept or
  lost), collected on the project and logged as Pulumi warnings.

- Each Google API the stack uses is enabled with ``projects.Service(disable_on_destroy=False)``
  (another stack in the project may rely on it); every other resource depends on them.
- One bucket, ``<stack>--code-<hash>``, holds the functions' source archives (uniform access, public access prevented).
- One service account, ``<stack>--invoker``, is the identity Pub/Sub push, Eventarc and Cloud
  Scheduler present (OIDC) to the services they call: it gets ``roles/run.invoker`` on each triggered
  service only. The Pub/Sub service agent may mint its tokens (``serviceAccountTokenCreator`` on that
  one account).
- Eventarc's Cloud Storage triggers need two project-level grants Google gives no narrower scope
  for: ``roles/pubsub.publisher`` for the Cloud Storage service agent and
  ``roles/eventarc.eventReceiver`` for the trigger identity. They are reported as plan notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_gcp as gcp

from portable.errors import PortableError
from portable.model import Stack
from portable.monitoring import alarms
from providers.gcp.deploy.code import base_image_stack
from providers.gcp.deploy.component import GcpComponent
from providers.gcp.deploy.names import INTERNAL, Names

SECURE_BUCKET: dict[str, Any] = {"uniform_bucket_level_access": True, "public_access_prevention": "enforced"}


@dataclass(frozen=True)
class GcpSettings:
    """The project, region and Firestore location of a deployment."""

    project: str
    region: str
    firestore_location: str = ""

    def __post_init__(self) -> None:
        if not self.firestore_location:
            object.__setattr__(self, "firestore_location", self.region)

    @classmethod
    def from_config(cls) -> GcpSettings:
        config = pulumi.Config("gcp")
        project, region = config.get("project"), config.get("region")
        missing = [key for key, value in (("gcp:project", project), ("gcp:region", region)) if not value]
        if missing:
            raise PortableError(
                f"The Pulumi stack config has no {' and no '.join(repr(m) for m in missing)}; "
                "the Google Cloud provider needs both",
                hint="Run: pulumi config set gcp:project <project-id> && pulumi config set gcp:region europe-west1",
            )
        location = pulumi.Config("portable").get("firestoreLocation") or ""
        return cls(project=str(project), region=str(region), firestore_location=location)

    def base_image(self, python_version: str) -> str:
        """The Google-maintained Python runtime image the source archive runs on (no build)."""
        return (f"{self.region}-docker.pkg.dev/serverless-runtimes/{base_image_stack(python_version)}/runtimes/"
                f"python{python_version.replace('.', '')}")


OBSERVABILITY_NOTE = (
    "Stack {stack!r}: logs and traces follow the platform defaults, which portable leaves as they are: "
    "Cloud Run writes each function's logs to the project's _Default log bucket (kept 30 days) and "
    "sends a sample of request traces to Cloud Trace; set the _Default bucket's retention or a log sink "
    "to keep them longer"
)
"""Log retention and tracing on Google Cloud are project-wide settings, so a stack does not own them."""


class Notes:
    """Plan notes, collected on the deployment and also logged as Pulumi warnings."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, message: str, resource: pulumi.Resource | None = None) -> None:
        if message not in self.items:
            self.items.append(message)
            pulumi.log.warn(message, resource=resource)


def required_apis(stack: Stack) -> list[str]:
    """The Google APIs ``stack`` uses, in a stable order."""
    triggers = {t.kind for f in stack.functions for t in f.triggers}
    wanted = {
        "run": bool(stack.functions), "iam": bool(stack.functions),
        "storage": bool(stack.functions or stack.buckets),
        "pubsub": bool(stack.queues or stack.topics or "object" in triggers),
        "eventarc": "object" in triggers, "cloudscheduler": "schedule" in triggers,
        "firestore": bool(stack.tables), "secretmanager": bool(stack.secrets),
        "monitoring": bool(alarms(stack)),
    }
    return [f"{api}.googleapis.com" for api, used in wanted.items() if used]


def needs_invoker(stack: Stack) -> bool:
    return any(t.kind != "http" for f in stack.functions for t in f.triggers)


class Project(GcpComponent):
    """``portable:gcp:Project``: APIs, code bucket and trigger identity of one stack."""

    concept = "Project"

    def __init__(self, name: str, stack: Stack, *, names: Names, settings: GcpSettings,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts=opts)
        self.settings = settings
        self.notes = notes = Notes()
        if stack.functions:
            notes.add(OBSERVABILITY_NOTE.format(stack=stack.name), self)
        self.services = [
            gcp.projects.Service(f"{name}-{api.split('.')[0]}", project=settings.project, service=api,
                                 disable_on_destroy=False, opts=self.child())
            for api in required_apis(stack)
        ]
        self._needs = list(self.services)
        project = gcp.organizations.get_project_output(
            project_id=settings.project, opts=pulumi.InvokeOutputOptions(parent=self))
        self.number: pulumi.Output[str] = project.number
        self.pubsub_agent = self.number.apply(
            lambda n: f"serviceAccount:service-{n}@gcp-sa-pubsub.iam.gserviceaccount.com")
        self.code_bucket = gcp.storage.Bucket(
            f"{name}-code", name=names.bucket(INTERNAL + "code"),
            location=settings.region, force_destroy=True, **SECURE_BUCKET,
            opts=self.child()) if stack.functions else None
        self.invoker: gcp.serviceaccount.Account | None = None
        self.invoker_member: pulumi.Output[str] | None = None
        if needs_invoker(stack):
            self._trigger_identity(name, stack, names, notes)
        self.finish({
            "apis": [s.service for s in self.services],
            "code_bucket": self.code_bucket.name if self.code_bucket else None,
            "invoker": self.invoker.email if self.invoker else None,
        })

    def _trigger_identity(self, name: str, stack: Stack, names: Names, notes: Notes) -> None:
        settings = self.settings
        self.invoker = gcp.serviceaccount.Account(
            f"{name}-invoker", account_id=names.account(INTERNAL + "invoker"), project=settings.project,
            display_name=f"portable {stack.name}: invokes the stack's services for its triggers",
            opts=self.child())
        self.invoker_member = self.invoker.email.apply(lambda e: f"serviceAccount:{e}")
        self.token_creator = gcp.serviceaccount.IAMMember(
            f"{name}-invoker-pubsub-tokens", service_account_id=self.invoker.name,
            role="roles/iam.serviceAccountTokenCreator", member=self.pubsub_agent, opts=self.child())
        if any(t.kind == "object" for f in stack.functions for t in f.triggers):
            gcs_agent = gcp.storage.get_project_service_account_output(
                project=settings.project, opts=pulumi.InvokeOutputOptions(parent=self))
            self.gcs_publisher = gcp.projects.IAMMember(
                f"{name}-gcs-agent-publisher", project=settings.project, role="roles/pubsub.publisher",
                member=gcs_agent.email_address.apply(lambda e: f"serviceAccount:{e}"), opts=self.child())
            self.event_receiver = gcp.projects.IAMMember(
                f"{name}-invoker-event-receiver", project=settings.project, role="roles/eventarc.eventReceiver",
                member=self.invoker_member, opts=self.child())
            notes.add(f"Stack {stack.name!r}: object triggers need two project-level grants (Eventarc offers no "
                      "narrower scope): roles/pubsub.publisher for the Cloud Storage service agent and "
                      "roles/eventarc.eventReceiver for the trigger identity.")
