"""Recorded inputs as JSON-able values, and the plan's table and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
from rich.console import Console

from portable.plan import Plan, PlannedResource
from portable.plan.render import short_type, to_json, to_table
from portable.plan.values import plain

SECRET = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "hunter2"}


def test_plain_hides_secrets_and_names_archives_relative_to_the_root(tmp_path: Path) -> None:
    value = {
        "memory": 512.0, "ratio": 0.5, "flags": (True, None), "token": SECRET,
        "code": pulumi.FileArchive(str(tmp_path / ".portable" / "build" / "a.zip")),
        "files": pulumi.AssetArchive({"main.py": pulumi.StringAsset("print(1)")}),
    }
    assert plain(value, tmp_path) == {
        "memory": 512, "ratio": 0.5, "flags": [True, None], "token": "[secret]",
        "code": {"archive": ".portable/build/a.zip"},
        "files": {"archive": {"main.py": {"asset": "print(1)"}}},
    }


def _plan() -> Plan:
    return Plan("aws", "shop", (
        PlannedResource("portable:aws:Queue", "jobs", None, {}, custom=False),
        PlannedResource("aws:sqs/queue:Queue", "jobs", ("portable:aws:Queue", "jobs"), {"name": "shop-jobs"},
                        summary="name=shop-jobs"),
    ), outputs={"queues": {"jobs": {"url": "https://sqs/jobs"}}})


def test_json_is_sorted_and_complete() -> None:
    data = json.loads(to_json(_plan()))
    assert data == {
        "provider": "aws", "stack": "shop", "notes": [], "outputs": {"queues": {"jobs": {"url": "https://sqs/jobs"}}},
        "resources": [
            {"type": "portable:aws:Queue", "name": "jobs", "parent": None, "inputs": {}},
            {"type": "aws:sqs/queue:Queue", "name": "jobs", "parent": "portable:aws:Queue::jobs",
             "inputs": {"name": "shop-jobs"}},
        ],
    }


def test_the_table_indents_children_under_their_component() -> None:
    console = Console(width=120, record=True)
    console.print(to_table(_plan()))
    text = console.export_text()
    assert "Plan for stack 'shop' on aws: 1 resource in 1 component" in text
    assert "│   jobs " in text and "aws:sqs:Queue" in text and "name=shop-jobs" in text
    assert short_type("aws:lambda/function:Function") == "aws:lambda:Function"
