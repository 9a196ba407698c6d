"""The runtime contract is the same on every provider: the orders example planned on AWS, Azure and Google
Cloud (under Pulumi mocks) and configured locally gives every function the same PORTABLE_* variables and
the same PORTABLE_LINKS entries (names, kinds, accesses, table fields), each with an ``id``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from portable.deploy import placeholder_bundles
from portable.loader import load_target
from portable.model import Schedule, Stack
from portable.plan import Plan, plan_stack
from portable.runtime import env
from providers.local.config import function_config

ROOT = Path(__file__).resolve().parents[1]
ORDERS = ROOT / "examples" / "orders"
COMMON = ("kind", "access", "key", "sort_key", "ttl_attribute")
"""The link entry keys the contract writes (the table fields only on tables)."""


def in_utc(stack: Stack) -> Stack:
    """The stack with every schedule in UTC (Azure timers run in UTC only), the same for every provider."""
    functions = [
        f.model_copy(update={"triggers": tuple(
            t.model_copy(update={"timezone": "UTC"}) if isinstance(t, Schedule) else t for t in f.triggers)})
        for f in stack.functions
    ]
    return stack.model_copy(update={"functions": functions})


@pytest.fixture(scope="module")
def orders() -> Stack:
    return in_utc(load_target(str(ORDERS)).stack)


def _aws(plan: Plan) -> dict[str, dict[str, str]]:
    return {r.name: r.inputs["environment"]["variables"] for r in plan.of_type("aws:lambda/function:Function")}


def _azure(plan: Plan) -> dict[str, dict[str, str]]:
    apps = plan.of_type("azure-native:web:WebApp")
    return {r.name.removeprefix("orders-function-").removesuffix("-app"):
            {s["name"]: s["value"] for s in r.inputs["siteConfig"]["appSettings"]} for r in apps}


def _gcp(plan: Plan) -> dict[str, dict[str, str]]:
    services = plan.of_type("gcp:cloudrunv2/service:Service")
    return {r.name: {e["name"]: e.get("value") for e in r.inputs["template"]["containers"][0]["envs"]}
            for r in services}


def _contract(variables: dict[str, str]) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """The contract's variables (the links parsed) and each link's common fields, from an environment."""
    portable = {k: v for k, v in variables.items() if k in env.ALL}
    links = json.loads(portable.pop(env.LINKS, "{}"))
    for name, entry in links.items():
        assert entry.get("id"), f"link {name!r} has no id: {entry}"
    return portable, {name: {k: entry[k] for k in COMMON if k in entry} for name, entry in links.items()}


@pytest.fixture(scope="module")
def contracts(orders: Stack, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    with placeholder_bundles():
        plans = {
            "aws": _aws(plan_stack(orders, "aws", ORDERS, config={"aws:region": "eu-west-1"})),
            "azure": _azure(plan_stack(orders, "azure", ORDERS)),
            "gcp": _gcp(plan_stack(orders, "gcp", ORDERS, config={"gcp:project": "acme", "gcp:region": "europe-west1"})),
        }
    state = tmp_path_factory.mktemp("state")
    plans["local"] = {f.name: function_config(orders, f, ORDERS, state, log=f.log_level) for f in orders.functions}
    return {provider: {name: _contract(variables) for name, variables in functions.items()}
            for provider, functions in plans.items()}


def _unlike_local(found: dict[str, Any]) -> dict[str, Any]:
    """The providers whose value differs from the local provider's, with the local value."""
    unlike = {provider: value for provider, value in found.items() if value != found["local"]}
    return {**unlike, "local": found["local"]} if unlike else {}


def test_every_provider_gives_every_function_the_same_contract(contracts: dict[str, dict[str, Any]]) -> None:
    assert sorted(contracts) == ["aws", "azure", "gcp", "local"]
    assert not _unlike_local({provider: sorted(found) for provider, found in contracts.items()})
    assert sorted(contracts["local"]) == ["api", "audit-log", "nightly-report", "receipt-indexer", "receipt-worker"]
    for name in contracts["local"]:
        variables = {provider: found[name][0] for provider, found in contracts.items()}
        assert {v[env.PROVIDER] for v in variables.values()} == set(contracts)
        assert not _unlike_local({p: {k: v for k, v in found.items() if k != env.PROVIDER}
                                  for p, found in variables.items()}), name
        assert not _unlike_local({provider: found[name][1] for provider, found in contracts.items()}), name


def test_the_contract_of_the_api(contracts: dict[str, dict[str, Any]]) -> None:
    variables, links = contracts["aws"]["api"]
    assert variables == {
        "PORTABLE_PROVIDER": "aws", "PORTABLE_FUNCTION": "api", "PORTABLE_HANDLER": "orders.api:handle",
        "PORTABLE_LOG": "error", "PORTABLE_TIMEOUT": "30",
        "PORTABLE_ROUTES": '[["POST","/orders"],["GET","/orders/{order_id}"]]',
    }
    assert links == {
        "orders": {"kind": "table", "access": "read_write", "key": "order_id", "sort_key": None, "ttl_attribute": None},
        "receipt-jobs": {"kind": "queue", "access": "send"},
    }
