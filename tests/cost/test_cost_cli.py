"""``portable cost`` through the CLI: the example side by side, JSON valid against its schema, usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner, Result

from portable.cli import app
from portable.cost.estimate import CostReport
from portable.cost.usage import usage_schema


def _run(*args: str) -> Result:
    result = CliRunner().invoke(app, ["cost", *args])
    assert "Traceback" not in result.output
    return result


def test_the_example_prints_three_clouds_baseline_and_break_even(orders_dir: Path) -> None:
    result = _run(str(orders_dir), "--usage", str(orders_dir / "usage.yaml"))
    assert result.exit_code == 0, result.output
    out = result.stdout
    for heading in ("aws", "us-east-1", "azure", "eastus", "gcp", "us-central1", "free tier", "total",
                    "container baseline", "Break-even", "function api", "table orders", "Service Bus"):
        assert heading in out, heading
    assert "read 2026-12-02" in out
    assert "functions.nightly-report.invocations = 30 (its schedule's runs in a 730-hour month)" in out


def test_the_json_report_follows_its_schema_and_traces_every_line(orders_dir: Path) -> None:
    result = _run(str(orders_dir), "--usage", str(orders_dir / "usage.yaml"), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    jsonschema.validate(report, CostReport.model_json_schema())
    assert [p["provider"] for p in report["providers"]] == ["aws", "azure", "gcp"]
    for cloud in report["providers"]:
        assert cloud["lines"] and cloud["baseline"]["lines"]
        for line in [*cloud["lines"], *cloud["free_tier"], *cloud["baseline"]["lines"]]:
            assert line["source"].startswith("https://") and line["read"] == "2026-12-02"
        assert cloud["usd"] == sum(x["usd"] for x in cloud["lines"] + cloud["free_tier"])
        assert {b["function"] for b in cloud["break_even"]} == {
            "api", "receipt-worker", "receipt-indexer", "audit-log", "nightly-report"}


def test_one_provider_and_no_free_tier(orders_dir: Path) -> None:
    result = _run(str(orders_dir), "--provider", "gcp", "--no-free-tier", "--json")
    report = json.loads(result.stdout)
    assert [p["provider"] for p in report["providers"]] == ["gcp"]
    assert report["free_tier"] is False and report["providers"][0]["free_tier"] == []
    azure = json.loads(_run(str(orders_dir), "--provider", "azure", "--no-free-tier", "--json").stdout)
    assert [line["price"] for line in azure["providers"][0]["free_tier"]] == ["servicebus.operations"]


def test_the_example_usage_file_follows_the_usage_schema(orders_dir: Path) -> None:
    jsonschema.validate(yaml.safe_load((orders_dir / "usage.yaml").read_text()), usage_schema())
    printed = json.loads(_run("--usage-schema").stdout)
    assert printed["properties"]["functions"]["additionalProperties"]["$ref"] == "#/$defs/FunctionUsage"


def test_impossible_values_are_named(orders_dir: Path, tmp_path: Path) -> None:
    usage = tmp_path / "usage.yaml"
    usage.write_text("functions:\n  api: {duration_ms: -5, invocatons: 3}\ntables:\n  orders: {item_kb: 0}\n")
    result = _run(str(orders_dir), "--usage", str(usage))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: Usage file {usage} has 3 problems:\n"
        "  - functions.api.duration_ms: must be greater than 0; got -5\n"
        "  - functions.api.invocatons: is not a usage field; got 3\n"
        "  - tables.orders.item_kb: must be greater than 0; got 0\n"
    )


def test_names_the_stack_does_not_declare_are_named(orders_dir: Path, tmp_path: Path) -> None:
    usage = tmp_path / "usage.yaml"
    usage.write_text("functions:\n  apii: {invocations: 3}\n  api: {duration_ms: 31000}\nqueues:\n  jobs: {}\n")
    result = _run(str(orders_dir), "--usage", str(usage))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Usage file has 3 problems:\n"
        "  - functions.apii: stack 'orders' declares no function named 'apii'. Declared functions: 'api', "
        "'receipt-worker', 'receipt-indexer', 'audit-log', 'nightly-report'\n"
        "  - queues.jobs: stack 'orders' declares no queue named 'jobs'. Declared queues: 'receipt-jobs'\n"
        "  - functions.api.duration_ms: 31000 ms is longer than the function's timeout of 30 s\n"
    )


def test_unknown_provider_and_region(orders_dir: Path) -> None:
    result = _run(str(orders_dir), "--provider", "local")
    assert result.exit_code == 2
    assert result.stderr == "Error: Unknown provider 'local' for cost\nHint: Use aws, azure, gcp or all.\n"
    result = _run(str(orders_dir), "--provider", "aws", "--region", "eu-west-9")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Provider 'aws' has no prices for region 'eu-west-9'\nHint: Regions with prices: us-east-1.\n"
    )


def test_usage_from_dev_without_measurements_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "stack.yaml").write_text("name: shop\nfunctions:\n  - {name: api, handler: 'app:run'}\n")
    result = _run(str(tmp_path), "--usage-from-dev")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: No measurements from portable dev in {tmp_path / '.portable/state/measurements.json'}\n"
        f"Hint: Run 'portable dev {tmp_path}' and exercise the functions first.\n"
    )


def test_detail_lists_every_line_with_its_dated_source(orders_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from portable.cli.output import console

    monkeypatch.setattr(console, "_width", 240)  # one table row per line, whatever the terminal
    result = CliRunner().invoke(app, ["cost", str(orders_dir), "--provider", "aws", "--detail"])
    assert result.exit_code == 0, result.output
    assert "AWS Lambda (us-east-1): every line" in result.stdout
    row = next(line for line in result.stdout.splitlines() if "apigateway.http.requests" in line)
    assert "https://aws.amazon.com/api-gateway/pricing/" in row and "2026-12-02" in row and "$1 / 1,000,000" in row
