"""``portable:gcp:Secret``: a Secret Manager secret, replicated automatically.

Its value never passes through the stack's code: a Pulumi config secret
``portable:secret:<name>`` (``pulumi config set --secret portable:secret:api-key ...``) becomes the
first version; without it, add one with ``gcloud secrets versions add``. Functions that link the
secret see it as an environment variable filled by Cloud Run (``secret_key_ref``, version ``latest``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_gcp as gcp

from portable.deploy import missing_secret, secret_value
from portable.model import Secret as SecretModel
from portable.native import native_args
from providers.gcp.deploy import names
from providers.gcp.deploy.component import GcpComponent
from providers.gcp.deploy.notes import Notes
from providers.gcp.deploy.settings import GcpSettings


def env_name(secret: str) -> str:
    """The variable Cloud Run fills with the secret's value: ``PORTABLE_SECRET_<NAME>``."""
    return "PORTABLE_SECRET_" + secret.upper().replace("-", "_")


class Secret(GcpComponent):
    concept = "Secret"

    def __init__(self, model: SecretModel, *, stack: str, settings: GcpSettings, notes: Notes,
                 apis: Sequence[pulumi.Resource] = (), opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(model.name, opts, needs=apis)
        args = native_args("gcp", f"Secret {model.name!r}", gcp.secretmanager.Secret, {
            "secret_id": names.physical(stack, model.name), "project": settings.project,
            "replication": gcp.secretmanager.SecretReplicationArgs(auto=gcp.secretmanager.SecretReplicationAutoArgs()),
            "labels": {"portable-stack": stack},
        }, model.options)
        self.secret = gcp.secretmanager.Secret(model.name, opts=self.child(), **args)
        self.version: gcp.secretmanager.SecretVersion | None = None
        value = secret_value(model.name)
        if value is not None:
            self.version = gcp.secretmanager.SecretVersion(
                f"{model.name}-value", secret=self.secret.id, secret_data=value, opts=self.child())
        else:
            notes.add(missing_secret(model.name, "add a version with 'gcloud secrets versions add'",
                                     "until then the services that read it do not start"), self)
        self.finish({"secret_id": self.secret.secret_id})

    def link(self) -> dict[str, Any]:
        return {"id": self.secret.id, "env": env_name(self.portable_name)}
