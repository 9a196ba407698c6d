"""The Azure provider: Functions on Flex Consumption, Storage, Service Bus and Key Vault.

Nothing is imported here: the shim (``providers.azure.runtime``) and the runtime clients
(``providers.azure.clients``) ship inside functions; the deploy side (``providers.azure.deploy``)
imports Pulumi and is only loaded by ``providers.azure.provider``.
"""
