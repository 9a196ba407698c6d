"""The Google Cloud provider's registry entry (imports nothing heavy: the registry reads its limits)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from portable.provider import ClientFactory, Provider
from portable.registry import missing_sdk

if TYPE_CHECKING:
    import pulumi

    from portable.limits import ProviderLimits
    from portable.model import Function, Stack
    from portable.native import NativeType
    from providers.gcp.mocks import GcpCloud


class GcpProvider(Provider):
    """Functions on Cloud Run (source deploy, no container build), Pub/Sub queues and topics, Cloud
    Storage with Eventarc, Firestore, Secret Manager and Cloud Scheduler (see :mod:`providers.gcp.deploy`)."""

    name: ClassVar[str] = "gcp"
    title: ClassVar[str] = "Google Cloud Run"
    extra: ClassVar[str | None] = "gcp"

    bundle_format: ClassVar[str] = "tar.gz"

    def limits(self) -> ProviderLimits:
        from providers.gcp.limits import LIMITS

        return LIMITS

    def requires(self) -> None:
        missing_sdk(self.name, "pulumi", "pulumi_gcp", "pulumi_random")

    def deploy(self, stack: Stack, root: Path, opts: pulumi.ResourceOptions | None = None) -> dict[str, Any]:
        from portable.deploy import build_bundles
        from providers.gcp.deploy.program import deploy_stack

        return deploy_stack(stack, build_bundles(stack, Path(root), self), opts=opts)

    def bundle_requirements(self, function: Function) -> tuple[str, ...]:
        from providers.gcp.deploy.code import requirements

        return requirements(function)

    def bundle_platform(self, function: Function) -> tuple[str, str]:
        from providers.gcp.deploy.code import glibc

        return function.architecture, glibc(function)

    def plan_mocks(self, config: Mapping[str, str]) -> GcpCloud:
        """The fake Google Cloud that ``portable plan`` runs the deploy program against."""
        from providers.gcp.mocks import GcpCloud

        return GcpCloud(project=config.get("gcp:project") or "portable-plan",
                        region=config.get("gcp:region") or "europe-west1")

    def recognise(self, payload: Any) -> bool:
        from providers.gcp.invoke import recognise

        return recognise(payload)

    def native_events(self, payload: Any, function: Function) -> list[Any]:
        from providers.gcp.invoke import native_events

        return native_events(payload)

    def runtime_clients(self) -> Mapping[str, ClientFactory]:
        from providers.gcp.clients import BACKENDS

        return BACKENDS

    def native_types(self) -> Mapping[str, NativeType]:
        """The classes the deploy modules pass ``options["gcp"]`` to."""
        import pulumi_gcp as gcp

        from portable.native import NativeType

        return {"function": NativeType(gcp.cloudrunv2.Service), "bucket": NativeType(gcp.storage.Bucket),
                "queue": NativeType(gcp.pubsub.Topic), "table": NativeType(gcp.firestore.Database),
                "topic": NativeType(gcp.pubsub.Topic), "secret": NativeType(gcp.secretmanager.Secret)}
