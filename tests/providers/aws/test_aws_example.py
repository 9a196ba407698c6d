"""The orders example on AWS: its Pulumi program runs under mocks, and its plan matches a golden file.

The golden file shows every resource, input and output of the example, so an accidental change shows
in review. After an intended change, regenerate it and review the diff:

    PORTABLE_UPDATE_GOLDEN=1 pytest tests/providers/aws/test_aws_example.py
"""

from __future__ import annotations

import json
import re
import runpy
import sys
from pathlib import Path
from typing import Any

from portable.model import Stack
from portable.plan import plan_stack
from portable.plan.runner import run_program, stack_config, to_plan
from providers.aws.mocks import AwsCloud

GOLDEN = Path(__file__).parent / "golden" / "orders.json"
_BUNDLE = re.compile(r"^\.portable/build/bundles/[0-9a-f]+\.zip$")


def test_the_example_program_runs_under_mocks_with_the_aws_stack_config(orders_dir: Path) -> None:
    config, secrets = stack_config(orders_dir, "aws")
    assert config == {"portable:provider": "aws", "aws:region": "eu-west-1"} and secrets == []
    modules = set(sys.modules)
    try:
        recording = run_program(
            lambda: runpy.run_path(str(orders_dir), run_name="__main__"),
            AwsCloud(region=config["aws:region"]), config=config, project="orders", stack="aws",
        )
    finally:
        for name in set(sys.modules) - modules:
            if name == "stack":
                del sys.modules[name]
    plan = to_plan(recording, provider="aws", stack="orders", root=orders_dir)
    functions = plan.of_type("aws:lambda/function:Function")
    assert sorted(f.inputs["name"] for f in functions) == [
        "orders-api", "orders-audit-log", "orders-nightly-report", "orders-receipt-indexer", "orders-receipt-worker",
    ]
    assert all(f.inputs["code"]["archive"].startswith(".portable/build/") for f in functions)
    assert plan.outputs["http"]["http"]["url"].endswith(".execute-api.eu-west-1.amazonaws.com")
    assert set(plan.outputs) == {
        "functions", "http", "schedules", "buckets", "queues", "topics", "tables", "secrets", "monitoring",
    }


def golden_plan(stack: Stack, root: Path) -> dict[str, Any]:
    """The plan as JSON data, with the bundle's content hash (which follows the runtime's code) hidden."""
    plan = plan_stack(stack, "aws", root).to_dict()
    for resource in plan["resources"]:
        code = resource["inputs"].get("code")
        if isinstance(code, dict) and _BUNDLE.match(code.get("archive", "")):
            code["archive"] = ".portable/build/bundles/<sha>.zip"
    normalized: dict[str, Any] = json.loads(json.dumps(plan))
    return normalized


def test_the_orders_plan_matches_the_golden_file(orders_stack: Stack, orders_dir: Path, golden: Any) -> None:
    golden(GOLDEN, golden_plan(orders_stack, orders_dir), "the AWS plan of the orders example")
