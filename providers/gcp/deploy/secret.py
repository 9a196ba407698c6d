"""``portable:gcp:Secret``: a Secret Manager secret, replicated automatically.

Its value never passes through the stack's code: a Pulumi config secret
``portable:secret:<name>`` (``pulumi config set --secret portable:secret:api-key ...``) becomes the
first version; without it, add one with ``gcloud secrets versions add``. Functions that link the
secret see it as an environment variable filled by Cloud Run (``secret_key_ref``, version ``latest``).
"""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp

from portable.deploy import missing_secret
from portable.model import Secret as SecretModel
from portable.native import native_args
from providers.gcp.deploy.component import LinkedResource
from providers.gcp.deploy.names import Names
from providers.gcp.deploy.project import Project


def env_name(secret: str) -> str:
    """The variable Cloud Run fills with the secret's value: ``PORTABLE_SECRET_<NAME>``."""
    return "PORTABLE_SECRET_" + secret.upper().replace("-", "_")


class Secret(LinkedResource):
    """``portable:gcp:Secret``: ``secret`` and ``version`` (the value's first version, or ``None``)."""

    concept = "Secret"

    def __init__(self, name: str, model: SecretModel, *, names: Names, project: Project,
                 value: pulumi.Output[str] | None, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts, needs=project.services)
        settings = project.settings
        args = native_args("gcp", f"Secret {model.name!r}", gcp.secretmanager.Secret, {
            "secret_id": names.of(model.name), "project": settings.project,
            "replication": gcp.secretmanager.SecretReplicationArgs(auto=gcp.secretmanager.SecretReplicationAutoArgs()),
            "labels": {"portable-stack": names.stack},
        }, model.options)
        self.secret = gcp.secretmanager.Secret(model.name, opts=self.child(), **args)
        self.version: gcp.secretmanager.SecretVersion | None = None
        if value is not None:
            self.version = gcp.secretmanager.SecretVersion(
                f"{model.name}-value", secret=self.secret.id, secret_data=value, opts=self.child())
        else:
            project.notes.add(missing_secret(model.name, "add a version with 'gcloud secrets versions add'",
                                     "until then the services that read it do not start"), self)
        self.link = {"id": self.secret.id, "env": env_name(self.portable_name)}
        self.finish({"secret_id": self.secret.secret_id})
