"""The Azure provider's registry entry, its light imports, and its refusal of what Azure cannot do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from synth import synth

from portable.errors import PortableError
from portable.model import Http, Schedule, Stack
from portable.registry import get_provider
from providers.azure.deploy.names import Names
from providers.azure.mocks import AzureCloud
from providers.azure.provider import AzureProvider

ROOT = Path(__file__).resolve().parents[3]


def test_registry_entry() -> None:
    provider = get_provider("azure")
    assert isinstance(provider, AzureProvider)
    assert (provider.name, provider.title, provider.extra) == ("azure", "Azure Functions (Flex Consumption)", "azure")
    assert provider.limits().name == "azure"
    provider.requires()
    cloud = provider.plan_mocks({"azure-native:location": "northeurope"})
    assert isinstance(cloud, AzureCloud) and cloud.location == "northeurope"


def test_runtime_side_imports_no_sdk_and_no_pulumi() -> None:
    code = (
        "import sys, providers.azure, providers.azure.clients, providers.azure.table_client, providers.azure.provider\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('azure', 'pulumi', 'pulumi_azure_native', 'pydantic'))\n"
        "print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_schedule_in_a_zone_with_daylight_saving_is_refused_not_shifted() -> None:
    stack = Stack("shop")
    stack.function("report", handler="app:run", triggers=[Schedule.cron("0 3 * * *", timezone="Europe/Paris")])
    with pytest.raises(PortableError, match="Azure Functions timers run in UTC, and 'Europe/Paris' changes"):
        synth(stack, ROOT)


def test_timer_gets_the_ncrontab_of_a_utc_schedule() -> None:
    from providers.azure.deploy.function_app import sources

    stack = Stack("shop")
    report = stack.function("report", handler="app:run",
                            triggers=[Schedule.cron("30 3 * * 1-5"), Schedule.every(15, "minutes", name="often")])
    assert dict(sources(report, Names("shop")).schedules) == {"report": "0 30 3 * * 1-5", "often": "0 */15 * * * *"}


def test_names_fit_azure_rules() -> None:
    names = Names("a-very-long-stack-name-here", "proj", "prod")
    for account in (names.storage_account("data"), names.storage_account("host"), names.key_vault()):
        assert 3 <= len(account) <= 24 and account.isalnum() and account.islower()
    assert len(names.function_app("a-function-name-of-thirty-chars")) <= 60
    assert names.storage_account("data") != Names("a-very-long-stack-name-here", "proj", "dev").storage_account("data")
    assert Names.secret_setting("receipt-signing-key") == "PORTABLE_SECRET_RECEIPT_SIGNING_KEY"


def test_http_only_stack_needs_no_bus_vault_or_event_grid() -> None:
    stack = Stack("tiny")
    stack.function("hello", handler="app:hello", triggers=[Http("GET", "/")])
    plan = synth(stack, ROOT)
    types = {r.type for r in plan.registrations}
    assert not types & {"azure-native:servicebus:Namespace", "azure-native:keyvault:Vault",
                        "azure-native:eventgrid:SystemTopic"}
