"""The orders example on Azure: its Pulumi program under mocks, and its plan against a golden file.

After an intended change, regenerate the golden file and review the diff:

    PORTABLE_UPDATE_GOLDEN=1 pytest tests/providers/azure/test_azure_example.py
"""

from __future__ import annotations

import json
import re
import runpy
import sys
from pathlib import Path
from typing import Any

from portable.model import Schedule, Stack
from portable.plan import plan_stack
from portable.plan.runner import run_program, stack_config, to_plan
from providers.azure.mocks import AzureCloud

GOLDEN = Path(__file__).parent / "golden" / "orders.json"
_PACKAGE = re.compile(r"^(?:/.*/)?\.portable/build/bundles/[0-9a-f]+\.zip$")  # relative (assets) or absolute (OneDeploy)


def in_utc(stack: Stack) -> Stack:
    """The stack with every schedule's time zone set to UTC (Azure timers run in UTC only)."""
    functions = [
        f.model_copy(update={"triggers": tuple(
            t.model_copy(update={"timezone": "UTC"}) if isinstance(t, Schedule) else t for t in f.triggers)})
        for f in stack.functions
    ]
    return stack.model_copy(update={"functions": functions})


def _normalized(value: Any) -> Any:
    """Hide what follows the runtime's code: the package path and its hash (and the pickled OneDeploy
    dynamic provider, which changes with the Python and dill versions)."""
    if isinstance(value, dict):
        hidden = {"package_sha256": "<sha256>", "__provider": "<dynamic provider>"}
        return {k: hidden.get(k, _normalized(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalized(v) for v in value]
    if isinstance(value, str) and _PACKAGE.match(value):
        return ".portable/build/bundles/<sha>.zip"
    return value


def test_the_example_program_runs_under_mocks_with_the_azure_stack_config(orders_dir: Path) -> None:
    config, secrets = stack_config(orders_dir, "azure")
    assert config["portable:provider"] == "azure" and "azure-native:location" in config
    modules = set(sys.modules)
    try:
        recording = run_program(lambda: runpy.run_path(str(orders_dir), run_name="__main__"),
                                AzureCloud(config.get("azure-native:location", "westeurope")),
                                config=config, secret_keys=secrets, project="orders", stack="azure")
    finally:
        for name in set(sys.modules) - modules:
            if name == "stack":
                del sys.modules[name]
    plan = to_plan(recording, provider="azure", stack="orders", root=orders_dir)
    assert len(plan.of_type("azure-native:web:WebApp")) == 5


def test_the_orders_plan_matches_the_golden_file(orders_stack: Stack, orders_dir: Path, golden: Any) -> None:
    plan = plan_stack(in_utc(orders_stack), "azure", orders_dir)
    apps = sorted(a.inputs["name"].rsplit("-", 1)[0] for a in plan.of_type("azure-native:web:WebApp"))
    assert apps == ["orders-api", "orders-audit-log", "orders-nightly-report", "orders-receipt-indexer",
                    "orders-receipt-worker"]
    assert [p.inputs["app"].rsplit("-", 1)[0] for p in plan.of_type("pulumi-python:dynamic:Resource")] == apps
    golden(GOLDEN, _normalized(json.loads(json.dumps(plan.to_dict()))), "the Azure plan of the orders example")
