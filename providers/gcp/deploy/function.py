"""``portable:gcp:Function``: a Cloud Run v2 service running the function's source archive.

Why a Cloud Run service with a source deploy, and not ``cloudfunctionsv2`` or ``build_config``:
``cloudrunv2.Service(build_config=...)`` builds nothing (it is console metadata; the image must
already exist), and ``cloudfunctionsv2.Function`` runs Cloud Build with buildpacks on every deploy,
re-resolving the requirements in the cloud (needs Cloud Build, Artifact Registry and a build service
account with three more roles, and takes minutes). Cloud Run's *no-build source deploy* runs the
archive we built and tested — sources, the runtime shim and vendored dependencies — directly on
Google's maintained Python base image (``containers[0].base_image_uri``, ``image="scratch"``,
``source_code.cloud_storage_source``): nothing is built, no registry is involved, and the same
bundle code runs on every cloud. It is recent (gcloud: ``run deploy --no-build``) and pre-GA:
pulumi-gcp 10.x documents ``containers[].source_code`` as Beta, and the Cloud Run Admin API refuses a
pre-GA field on a service whose ``launch_stage`` is not at least that stage, so the service sets
:data:`LAUNCH_STAGE` (``BETA``; ``options["gcp"]["launch_stage"]`` can set ``GA`` once the feature is).
The source pins the archive's generation, so a new archive makes a new revision.

Each function gets its own service account: links become grants to it (see ``grants``). The
service is private (IAM-authenticated) unless one of its Http triggers is ``public=True``: then
``allUsers`` may invoke it. Functions without Http triggers accept internal traffic only (Pub/Sub,
Eventarc and Cloud Scheduler in the project count as internal). A public service that also has
event triggers gets a random event token (``contract.EVENT_TOKEN_ENV``) that every event URL carries,
since Cloud Run then checks no caller. ``deletion_protection`` is off on
purpose: a service holds no data, and protection would block ``pulumi destroy`` and replacements.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pulumi
import pulumi_gcp as gcp
import pulumi_random

from portable.bundle import Bundle
from portable.deploy import code_asset, runtime_environment
from portable.errors import PortableError
from portable.model import Function as FunctionModel
from portable.model import ObjectTrigger, Stack
from portable.native import native_args
from providers.gcp import contract
from providers.gcp.deploy.component import GcpComponent, LinkedResource
from providers.gcp.deploy.names import Names
from providers.gcp.deploy.permissions import grant
from providers.gcp.deploy.project import Project
from providers.gcp.deploy.secret import Secret, env_name

Describe = Callable[[str, str], Mapping[str, Any]]
"""``describe(kind, name)``: a resource's PORTABLE_LINKS keys besides kind and access."""
LAUNCH_STAGE = "BETA"
"""The launch stage the no-build source deploy (``containers[].source_code``) needs while it is pre-GA."""
THREADS = 8
"""gunicorn threads per instance, and so the requests one instance takes at a time."""
COMMAND = ["python"]
ARGS = ["-m", "gunicorn", "--workers", "1", "--threads", str(THREADS), "--timeout", "0", contract.WSGI_APP]


def cpu_for(memory_mb: int) -> str:
    """The smallest CPU count Cloud Run allows with ``memory_mb`` (4 GiB per CPU up to 8 CPUs, roughly)."""
    for limit, cpu in ((4096, "1"), (8192, "2"), (16384, "4"), (24576, "6")):
        if memory_mb <= limit:
            return cpu
    return "8"


def is_public(model: FunctionModel) -> bool:
    """Whether the service is open to everyone; a function cannot mix public and private routes."""
    routes = model.http_triggers
    public = {r.public for r in routes}
    if len(public) > 1:
        listed = ", ".join(f"{r.route!r} ({'public' if r.public else 'private'})" for r in routes)
        raise PortableError(
            f"Function {model.name!r} mixes public and private Http routes: {listed}; on Google Cloud a "
            "function is one Cloud Run service, public or private as a whole",
            hint="Make all its routes public=True or all private, or move the private routes to another function.",
        )
    return public == {True}


class Function(GcpComponent):
    """``portable:gcp:Function``: ``account`` (its service account), ``code`` (the archive object),
    ``service`` (``gcp.cloudrunv2.Service``), ``event_token``, ``public_invoker`` and ``trigger_invoker``
    (or ``None``)."""

    concept = "Function"

    def __init__(self, name: str, model: FunctionModel, *, names: Names, project: Project, stack: Stack,
                 code: Bundle, resources: Mapping[tuple[str, str], LinkedResource],
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts, needs=project.services)
        settings, notes = project.settings, project.notes
        self.model = model
        self.project = project
        describe = _describer(model, resources)
        self.account = gcp.serviceaccount.Account(
            f"{model.name}-sa", account_id=names.account(model.name), project=settings.project,
            display_name=f"portable {names.stack}: function {model.name}", opts=self.child())
        self.member = self.account.email.apply(lambda e: f"serviceAccount:{e}")
        assert project.code_bucket is not None
        self.code = gcp.storage.BucketObject(
            f"{model.name}-code", bucket=project.code_bucket.name, name=f"{model.name}/{code.sha256}.tar.gz",
            source=code_asset(code), content_type="application/gzip", opts=self.child())
        granted = [g for link in model.links
                   if (g := grant(self, model, link, resources[(link.kind, link.name)], self.member, notes))]
        secrets = [resources[("secret", link.name)] for link in model.links if link.kind == "secret"]
        granted += [secret.version for secret in secrets  # Cloud Run resolves "latest"
                    if isinstance(secret, Secret) and secret.version is not None]
        public = is_public(model)
        self.event_token: pulumi_random.RandomPassword | None = None
        if public and any(t.kind != "http" for t in model.triggers):
            self.event_token = pulumi_random.RandomPassword(
                f"{model.name}-event-token", length=32, special=False, opts=self.child())
        template = {
            "service_account": self.account.email, "timeout": f"{model.timeout}s",
            "max_instance_request_concurrency": THREADS,
            "scaling": {"min_instance_count": model.min_instances, "max_instance_count": model.max_instances},
            "containers": [{
                "image": "scratch", "base_image_uri": settings.base_image(model.runtime),
                "commands": COMMAND, "args": ARGS,
                "source_code": {"cloud_storage_source": {
                    "bucket": self.code.bucket, "object": self.code.name,
                    "generation": self.code.generation.apply(str)}},
                "resources": {"limits": {"cpu": cpu_for(model.memory), "memory": f"{model.memory}Mi"},
                              "cpu_idle": True, "startup_cpu_boost": True},
                "envs": self._environment(stack, model, describe, self.event_token),
            }],
        }
        args = native_args("gcp", f"Function {model.name!r}", gcp.cloudrunv2.Service, {
            "name": names.service(model.name), "project": settings.project, "location": settings.region,
            "ingress": "INGRESS_TRAFFIC_ALL" if model.http_triggers else "INGRESS_TRAFFIC_INTERNAL_ONLY",
            "deletion_protection": False, "launch_stage": LAUNCH_STAGE, "template": template,
        }, model.options)
        self.service = gcp.cloudrunv2.Service(model.name, opts=self.child(*granted), **args)
        self.url: pulumi.Output[str] = self.service.uri
        self.public_invoker = gcp.cloudrunv2.ServiceIamMember(
            f"{model.name}-public", project=settings.project, location=settings.region, name=self.service.name,
            role="roles/run.invoker", member="allUsers", opts=self.child()) if public else None
        self.trigger_invoker = gcp.cloudrunv2.ServiceIamMember(
            f"{model.name}-trigger-invoker", project=settings.project, location=settings.region,
            name=self.service.name, role="roles/run.invoker", member=project.invoker_member,
            opts=self.child()) if any(t.kind != "http" for t in model.triggers) else None
        self.finish({"url": self.url, "service": self.service.name, "service_account": self.account.email})

    def event_url(self, path: str) -> pulumi.Output[str]:
        """The URL an event source calls: the service URL, ``path`` and, on a public service, the
        event token the shim checks (see ``providers.gcp.contract``)."""
        if self.event_token is None:
            return self.url.apply(lambda url: f"{url}{path}")
        return pulumi.Output.all(self.url, self.event_token.result).apply(
            lambda parts: f"{parts[0]}{path}?token={parts[1]}")

    def push_config(self, path: str) -> gcp.pubsub.SubscriptionPushConfigArgs:
        """A Pub/Sub push to ``path`` of this service, with an OIDC token of the stack's trigger identity."""
        invoker = self.project.invoker
        return gcp.pubsub.SubscriptionPushConfigArgs(
            push_endpoint=self.event_url(path),
            oidc_token=gcp.pubsub.SubscriptionPushConfigOidcTokenArgs(
                service_account_email=invoker.email if invoker else "", audience=self.url))

    def event_path(self, path: str) -> pulumi.Input[str]:
        """``path`` with the event token, for Eventarc (which takes a path, not a URL)."""
        if self.event_token is None:
            return path
        return self.event_token.result.apply(lambda token: f"{path}?token={token}")

    @staticmethod
    def _environment(stack: Stack, model: FunctionModel, describe: Describe,
                     token: pulumi_random.RandomPassword | None) -> list[dict[str, Any]]:
        variables = runtime_environment(stack, model, "gcp", describe)
        if token is not None:
            variables[contract.EVENT_TOKEN_ENV] = token.result
        envs: list[dict[str, Any]] = [{"name": k, "value": v} for k, v in sorted(variables.items())]
        envs.extend(
            {"name": env_name(link.name), "value_source": {"secret_key_ref": {
                "secret": describe("secret", link.name)["id"], "version": "latest"}}}
            for link in model.links if link.kind == "secret")
        return envs


def _describer(model: FunctionModel, resources: Mapping[tuple[str, str], LinkedResource]) -> Describe:
    """A linked resource's PORTABLE_LINKS keys for ``model``; a bucket entry lists the function's object
    trigger filters (``triggers``), which the shim checks since Eventarc cannot filter object names."""
    def describe(kind: str, name: str) -> dict[str, Any]:
        entry: dict[str, Any] = dict(resources[(kind, name)].link)
        if kind == "bucket":
            filters = [t.as_filter() for t in model.triggers if isinstance(t, ObjectTrigger) and t.bucket == name]
            if filters:
                entry["triggers"] = filters
        return entry

    return describe
