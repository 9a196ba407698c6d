"""``portable plan``: a table for people, JSON for tools, errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from portable.cli import app

runner = CliRunner()


def test_plan_json_lists_every_resource_with_inputs(orders_dir: Path) -> None:
    result = runner.invoke(app, ["plan", str(orders_dir), "--provider", "aws", "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert (plan["provider"], plan["stack"]) == ("aws", "orders")
    lambdas = [r for r in plan["resources"] if r["type"] == "aws:lambda/function:Function"]
    assert len(lambdas) == 5
    assert all(r["inputs"]["name"].startswith("orders-") for r in lambdas)
    assert plan["outputs"]["http"]["http"]["url"].endswith(".execute-api.eu-west-1.amazonaws.com")
    assert any("portable:secret:receipt-signing-key" in note for note in plan["notes"])
    assert any(note.startswith("Monitoring: 20 CloudWatch alarms") for note in plan["notes"])


def test_plan_table_shows_components_children_and_key_inputs(orders_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from portable.cli import output

    monkeypatch.setattr(output.console, "width", 220)  # the console measured its width when first imported
    result = runner.invoke(app, ["plan", str(orders_dir), "--provider", "aws"], env={"COLUMNS": "220"})
    assert result.exit_code == 0, result.output
    assert "Plan for stack 'orders' on aws: 107 resources in 13 components" in result.stdout
    assert "portable:aws:Function" in result.stdout and "aws:lambda:Function" in result.stdout
    assert "sqs:SendMessage on arn:aws:sqs:eu-west-1:123456789012:orders-receipt-jobs" in result.stdout
    assert ":secret:orders-receipt-signing-key-" in result.stdout, "ARNs are text, not emoji codes"
    assert '"queues": {"receipt-jobs": {"url": "https://sqs.eu-west-1.amazonaws.com/' not in result.stdout
    assert 'queues: {"receipt-jobs": {"url": "https://sqs.eu-west-1.amazonaws.com/' in result.stdout
    assert "Warning: Secret 'receipt-signing-key' has no value" in result.stderr


def test_plan_for_a_provider_without_pulumi_is_a_clear_error(orders_dir: Path) -> None:
    result = runner.invoke(app, ["plan", str(orders_dir), "--provider", "local"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: Provider 'local' (Local) does not deploy with Pulumi, so there is nothing to plan",
        "Hint: Plan for a cloud: --provider aws, azure or gcp.",
    ]


def test_plan_of_an_invalid_stack_names_the_problem(tmp_path: Path) -> None:
    (tmp_path / "stack.yaml").write_text(
        "name: shop\nfunctions:\n  - name: api\n    handler: app:run\n    timeout: 901\n"
    )
    (tmp_path / "app.py").write_text("def run(event, ctx):\n    return 'ok'\n")
    result = runner.invoke(app, ["plan", str(tmp_path), "--provider", "aws"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Stack 'shop' on AWS Lambda has 1 problem:\n  - Function 'api': AWS Lambda allows")
    assert "Traceback" not in result.output
