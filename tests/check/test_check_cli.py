"""``portable check`` through the CLI: the example's report, JSON against its schema, SARIF's shape, --strict."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from typer.testing import CliRunner, Result

from portable.check.report import CheckReport
from portable.cli import app


def _run(*args: str) -> Result:
    result = CliRunner().invoke(app, ["check", *args])
    assert "Traceback" not in result.output
    return result


def test_the_example_prints_portability_pitfalls_and_fit(orders_dir: Path) -> None:
    result = _run(str(orders_dir), "--no-usage-from-dev")
    assert result.exit_code == 0, result.output
    out = result.stdout
    for text in ("Portability of stack 'orders'", "Differences", "Pitfalls", "Fit for serverless",
                 "portable/public-cold-start", "portable/timeout-near-cap", "5/5 migrate"):
        assert text in out, text
    assert "0 errors," in out


def test_the_json_report_follows_its_schema(orders_dir: Path) -> None:
    result = _run(str(orders_dir), "--format", "json", "--no-usage-from-dev")
    report = json.loads(result.stdout)
    jsonschema.validate(report, CheckReport.model_json_schema())
    assert report["providers"] == ["aws", "azure", "gcp"]
    modes = {(p["provider"], p["path"]): p["mode"] for p in report["placements"]}
    assert modes[("azure", "tables.orders")] == "emulated" and modes[("aws", "tables.orders")] == "native"
    cold = next(f for f in report["findings"] if f["rule"] == "portable/public-cold-start")
    assert cold["file"] == str(orders_dir / "stack.py")
    assert (orders_dir / "stack.py").read_text().splitlines()[cold["line"] - 1].strip() == '"api",'
    scores = {f["function"]: f["score"] for f in report["fit"]}
    assert scores == {"api": 5, "receipt-worker": 5, "receipt-indexer": 5, "audit-log": 5, "nightly-report": 5}


def test_sarif_has_the_shape_code_scanning_expects(orders_dir: Path) -> None:
    result = _run(str(orders_dir), "--format", "sarif", "--no-usage-from-dev")
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0" and log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "portable check"
    rules = driver["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    for rule in rules:
        assert set(rule) >= {"id", "name", "shortDescription", "fullDescription", "defaultConfiguration"}
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert run["results"]
    for result_ in run["results"]:
        assert rules[result_["ruleIndex"]]["id"] == result_["ruleId"]
        assert result_["level"] in ("error", "warning", "note", "none")
        assert result_["message"]["text"]
        location = result_["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "examples/orders/stack.py"  # relative to the repository
        assert isinstance(location["region"]["startLine"], int) and location["region"]["startLine"] >= 1
        assert result_["partialFingerprints"]["portableFinding/v1"]
    fingerprints = [r["partialFingerprints"]["portableFinding/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)


def test_strict_exits_non_zero_on_errors(tmp_path: Path) -> None:
    (tmp_path / "stack.yaml").write_text(
        "name: shop\nfunctions:\n  - {name: api, handler: 'app:run', memory: 768}\n"
    )
    relaxed = _run(str(tmp_path), "--provider", "azure")
    assert relaxed.exit_code == 0
    assert "Azure Flex Consumption allows memory 512, 2048 or 4096 MB; got 768" in relaxed.stdout
    strict = _run(str(tmp_path), "--provider", "azure", "--strict")
    assert strict.exit_code == 1
    assert _run(str(tmp_path), "--provider", "gcp", "--strict").exit_code == 0


def test_bad_options_are_named(orders_dir: Path) -> None:
    result = _run(str(orders_dir), "--format", "xml")
    assert result.exit_code == 2
    assert result.stderr == "Error: Unknown format 'xml'\nHint: Use table, json or sarif.\n"
    result = _run(str(orders_dir), "--provider", "mars")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Unknown provider 'mars'\nHint: Use all or one of: ")
