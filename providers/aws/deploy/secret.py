"""Secret: a Secrets Manager secret. Its value comes from the Pulumi config secret
``portable:secret:<name>`` (encrypted in config and state); without one it is created empty and the
deploy says how to set it. Functions only ever get the ARN."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from portable.deploy import missing_secret
from portable.model import Secret as SecretModel
from portable.native import native_args
from providers.aws.deploy.component import LinkedResource
from providers.aws.deploy.names import Names

RECOVERY_WINDOW_DAYS = 7

_RESERVED = {"name": "The secret's physical name is derived from the stack and secret names."}


class Secret(LinkedResource):
    """``portable:aws:Secret``: ``secret`` (``aws.secretsmanager.Secret``) and ``version`` (the
    ``SecretVersion`` holding the value, or ``None``)."""

    concept = "Secret"

    def __init__(
        self,
        name: str,
        secret: SecretModel,
        *,
        names: Names,
        value: pulumi.Output[str] | None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(name, opts)
        derived = {
            "name": names.of("secret", name),
            "description": secret.description or None,
            "recovery_window_in_days": RECOVERY_WINDOW_DAYS,
        }
        args = native_args("aws", f"Secret {name!r}", aws.secretsmanager.Secret, derived, secret.options, reserved=_RESERVED)
        self.secret = aws.secretsmanager.Secret(name, **args, opts=self.child())
        self.version: aws.secretsmanager.SecretVersion | None = None
        if value is not None:
            self.version = aws.secretsmanager.SecretVersion(
                f"{name}-value", secret_id=self.secret.id, secret_string=value, opts=self.child()
            )
        else:
            pulumi.log.warn(missing_secret(name, "put one into the secret with the AWS console or CLI"), resource=self)
        self.arn = self.secret.arn
        self.link = {"id": self.secret.arn, "arn": self.secret.arn}
        self.exports = {"arn": self.secret.arn}
        self.finish()
