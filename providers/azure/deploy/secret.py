"""``portable:azure:Secret``: a Key Vault secret (the vault is the foundation's)."""

from __future__ import annotations

import pulumi
from pulumi_azure_native import keyvault

from portable.deploy import missing_secret
from portable.errors import PortableError
from portable.model import Secret as SecretModel
from portable.native import native_args
from providers.azure.deploy.component import LinkedResource
from providers.azure.deploy.foundation import Foundation
from providers.azure.deploy.names import Names


class Secret(LinkedResource):
    """A Key Vault secret. Its value comes from the Pulumi config secret ``portable:secret:<name>``;
    without one, no secret version is created: set it with ``az keyvault secret set``."""

    concept = "Secret"

    def __init__(self, name: str, secret: SecretModel, *, names: Names, foundation: Foundation,
                 value: pulumi.Output[str] | None, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        if foundation.key_vault is None:
            raise PortableError("the Azure foundation has no Key Vault although the stack has secrets")
        physical = names.secret(secret.name)
        self.secret: keyvault.Secret | None = None
        self.uri = pulumi.Output.concat(foundation.key_vault.properties.vault_uri, "secrets/", physical)
        self.scope = pulumi.Output.concat(foundation.key_vault.id, "/secrets/", physical)
        if value is not None:
            args = native_args("azure", f"Secret {secret.name!r}", keyvault.Secret, {
                "resource_group_name": foundation.resource_group.name,
                "vault_name": foundation.key_vault.name,
                "secret_name": physical,
                "properties": {"value": value, "content_type": secret.description or None},
            }, secret.options)
            self.secret = keyvault.Secret(f"{name}-secret", **args, opts=self.child())
            self.uri = self.secret.properties.secret_uri
            self.scope = self.secret.id
        else:
            pulumi.log.warn(missing_secret(secret.name, f"set it in the vault with 'az keyvault secret set --name "
                                                        f"{physical}'"), resource=self)
        self.link = {"id": self.uri, "setting": names.secret_setting(secret.name)}
        self.exports = {"uri": self.uri}
        self.finish()
