"""The registry entry of the Azure provider (imports nothing heavy: the registry reads its limits)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from portable.provider import ClientFactory, Provider
from portable.registry import missing_sdk

if TYPE_CHECKING:
    import pulumi

    from portable.limits import ProviderLimits
    from portable.model import Function, Stack
    from portable.native import NativeType
    from providers.azure.mocks import AzureCloud


class AzureProvider(Provider):
    """Azure Functions on Flex Consumption, one Function App per portable function, with Storage
    (blobs, queues, tables), Service Bus topics and Key Vault secrets."""

    name = "azure"
    title = "Azure Functions (Flex Consumption)"
    extra = "azure"

    bundle_dependencies_dir = ".python_packages/lib/site-packages"

    def limits(self) -> ProviderLimits:
        from providers.azure.limits import LIMITS

        return LIMITS

    def requires(self) -> None:
        missing_sdk(self.name, "pulumi", "pulumi_azure_native")

    def deploy(self, stack: Stack, root: Path, opts: pulumi.ResourceOptions | None = None) -> dict[str, Any]:
        from portable.deploy import build_bundles
        from providers.azure.deploy.program import deploy_stack

        return deploy_stack(stack, build_bundles(stack, Path(root), self), opts=opts)

    def bundle_requirements(self, function: Function) -> tuple[str, ...]:
        from providers.azure.deploy.code import requirements

        return requirements(function)

    def bundle_platform(self, function: Function) -> tuple[str, str]:
        from providers.azure.deploy.code import ARCHITECTURE

        return ARCHITECTURE, self.bundle_glibc

    def bundle_generated_files(self, stack: Stack, function: Function) -> Mapping[str, bytes]:
        from providers.azure.deploy.code import generated_files

        return generated_files(stack, function)

    def plan_mocks(self, config: Mapping[str, str]) -> AzureCloud:
        """The fake Azure that ``portable plan`` runs the deploy program against."""
        from providers.azure.mocks import AzureCloud

        return AzureCloud(location=config.get("azure-native:location") or "westeurope")

    def recognise(self, payload: Any) -> bool:
        from providers.azure.invoke import recognise

        return recognise(payload)

    def native_events(self, payload: Any, function: Function) -> list[Any]:
        from providers.azure.invoke import native_events

        return native_events(payload, next((name for name, *_ in function.schedules()), function.name))

    def runtime_clients(self) -> Mapping[str, ClientFactory]:
        from providers.azure.clients import BACKENDS

        return BACKENDS

    def native_types(self) -> Mapping[str, NativeType]:
        """The classes the deploy modules pass ``options["azure"]`` to."""
        from pulumi_azure_native import keyvault, servicebus, storage, web

        from portable.native import NativeType

        return {"function": NativeType(web.WebApp), "bucket": NativeType(storage.BlobContainer),
                "queue": NativeType(storage.Queue), "table": NativeType(storage.Table),
                "topic": NativeType(servicebus.Topic), "secret": NativeType(keyvault.Secret)}
