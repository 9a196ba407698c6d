"""Plan overhead on Azure: portable's deploy program against hand-written azure-native, same mocks.

    python tests/bench/bench_plan_azure.py [--functions 100] [--repeat 5]

Both programs run through :func:`portable.plan.run_program` against the same fake Azure
(:class:`providers.azure.mocks.AzureCloud`) in the same process, alternately: N functions, each with an HTTP route, a Storage queue trigger
(queue + poison queue) and two links (a table, read_write; a bucket, write), on Flex Consumption with
the same settings and role assignments. The hand-written program is what a careful person would
write with azure-native directly (no components, no model). Packages are not built (the plan does not
build them either). It prints the median wall time of each, the resource counts, and the ratio.
A benchmark, not a test: nothing is asserted.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pulumi

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bench"))

from plan_compare import bench_stack, compare  # noqa: E402

from portable.plan import run_program  # noqa: E402
from providers.azure.mocks import AzureCloud  # noqa: E402

SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/"
ROLES = {
    "owner": "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "blob": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "queue": "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "table": "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
    "metrics": "3913510d-42f4-4e42-8a64-420c390055eb",
}


def portable_program(count: int) -> Callable[[], None]:
    stack = bench_stack(count)

    def program() -> None:
        from providers.azure.deploy.program import deploy_stack

        deploy_stack(stack, {})

    return program


def handwritten_program(count: int) -> Callable[[], None]:
    def program() -> None:
        from pulumi_azure_native import (
            applicationinsights,
            authorization,
            operationalinsights,
            resources,
            storage,
            web,
        )

        cfg = authorization.get_client_config_output()
        rg = resources.ResourceGroup("rg", resource_group_name="bench-rg")

        def account(name: str, shared_key: bool) -> storage.StorageAccount:
            return storage.StorageAccount(
                name, account_name=f"bench{name}", resource_group_name=rg.name, kind="StorageV2",
                sku={"name": "Standard_LRS"}, allow_blob_public_access=False, allow_shared_key_access=shared_key,
                minimum_tls_version="TLS1_2", enable_https_traffic_only=True)

        data, host = account("data", False), account("host", True)
        host_containers = [storage.BlobContainer(c, resource_group_name=rg.name, account_name=host.name,
                                                 container_name=c, public_access="None")
                           for c in ("azure-webjobs-hosts", "azure-webjobs-secrets")]
        storage.BlobServiceProperties("data-blobs", resource_group_name=rg.name, account_name=data.name,
                                      blob_services_name="default", delete_retention_policy={"enabled": True, "days": 7},
                                      container_delete_retention_policy={"enabled": True, "days": 7},
                                      is_versioning_enabled=False)
        law = operationalinsights.Workspace("logs", resource_group_name=rg.name, retention_in_days=30,
                                            sku={"name": "PerGB2018"})
        ai = applicationinsights.Component("insights", resource_group_name=rg.name, kind="web", application_type="web",
                                           workspace_resource_id=law.id, disable_local_auth=True)
        container = storage.BlobContainer("files", resource_group_name=rg.name, account_name=data.name,
                                          container_name="bench-files", public_access="None")
        table = storage.Table("items", resource_group_name=rg.name, account_name=data.name, table_name="benchitems")
        endpoints = data.primary_endpoints

        def grant(name: str, principal: pulumi.Output[str], role: str, scope: pulumi.Input[str]) -> None:
            authorization.RoleAssignment(
                name, principal_id=principal, principal_type="ServicePrincipal", scope=scope,
                role_definition_id=pulumi.Output.concat("/subscriptions/", cfg.subscription_id,
                                                        "/providers/Microsoft.Authorization/roleDefinitions/", role),
                role_assignment_name=str(uuid.uuid5(uuid.NAMESPACE_URL, name)))

        for i in range(count):
            queue = storage.Queue(f"q{i}", resource_group_name=rg.name, account_name=data.name, queue_name=f"bench-jobs-{i}")
            poison = storage.Queue(f"q{i}-poison", resource_group_name=rg.name, account_name=data.name,
                                   queue_name=f"bench-jobs-{i}-poison")
            plan = web.AppServicePlan(f"fn{i}-plan", resource_group_name=rg.name, kind="functionapp", reserved=True,
                                      sku={"name": "FC1", "tier": "FlexConsumption"})
            code = storage.BlobContainer(f"fn{i}-code", resource_group_name=rg.name, account_name=host.name,
                                         container_name=f"code-fn-{i}", public_access="None")
            links = pulumi.Output.all(endpoints.table, endpoints.blob, table.name, container.name).apply(
                lambda v: json.dumps({"files": {"kind": "bucket", "access": "write", "id": v[3], "url": v[1]},
                                      "items": {"kind": "table", "access": "read_write", "id": v[2], "url": v[0]}}))
            settings = {
                "AzureWebJobsStorage__accountName": host.name,
                "APPLICATIONINSIGHTS_CONNECTION_STRING": ai.connection_string,
                "APPLICATIONINSIGHTS_AUTHENTICATION_STRING": "Authorization=AAD",
                "PORTABLE_STORAGE__queueServiceUri": endpoints.apply(lambda e: e.queue),
                "PORTABLE_PROVIDER": "azure", "PORTABLE_FUNCTION": f"fn-{i}", "PORTABLE_HANDLER": "app:handle",
                "PORTABLE_LOG": "error",
                "PORTABLE_ROUTES": json.dumps([["GET", f"/items{i}"]]), "PORTABLE_LINKS": links,
            }
            app = web.WebApp(
                f"fn{i}-app", resource_group_name=rg.name, name=f"bench-fn-{i}", kind="functionapp,linux",
                server_farm_id=plan.id, https_only=True, identity={"type": "SystemAssigned"},
                function_app_config={
                    "deployment": {"storage": {"type": "blobContainer",
                                               "value": pulumi.Output.concat(host.primary_endpoints.blob, code.name),
                                               "authentication": {"type": "SystemAssignedIdentity"}}},
                    "runtime": {"name": "python", "version": "3.12"},
                    "scale_and_concurrency": {"instance_memory_mb": 512, "maximum_instance_count": 100}},
                site_config={"app_settings": [{"name": k, "value": v} for k, v in sorted(settings.items())],
                             "min_tls_version": "1.2", "ftps_state": "Disabled", "http20_enabled": True})
            web.WebAppScmAllowed(f"fn{i}-scm", resource_group_name=rg.name, name=app.name, allow=False)
            web.WebAppFtpAllowed(f"fn{i}-ftp", resource_group_name=rg.name, name=app.name, allow=False)
            principal = app.identity.apply(lambda identity: identity.principal_id if identity else None)
            grant(f"fn{i}-table", principal, ROLES["table"], table.id)
            grant(f"fn{i}-blob", principal, ROLES["blob"], container.id)
            grant(f"fn{i}-queue", principal, ROLES["queue"], queue.id)
            grant(f"fn{i}-poison", principal, ROLES["queue"], poison.id)
            for index, container_ in enumerate([*host_containers, code]):
                grant(f"fn{i}-host-{index}", principal, ROLES["owner"], container_.id)
            grant(f"fn{i}-metrics", principal, ROLES["metrics"], ai.id)

    return program


def run(program: Callable[[], None]) -> tuple[float, int]:
    start = time.perf_counter()
    recording = run_program(program, AzureCloud(), config={"azure-native:location": "westeurope"},
                            project="bench", stack="azure")
    return time.perf_counter() - start, len(recording.registrations)


if __name__ == "__main__":
    compare((__doc__ or "").splitlines()[0], "azure-native",
            lambda n: {"portable": portable_program(n), "azure-native": handwritten_program(n)}, run, repeat=3)
