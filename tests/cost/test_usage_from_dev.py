"""``--usage-from-dev`` end to end: a stack served by the local provider records each function's
invocations, duration and peak memory; ``portable cost`` and ``portable check`` use them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from portable.cli import app
from portable.cost.measured import MEASUREMENTS_FILE, load_measured
from portable.loader import load_target
from providers.local.stack import LocalStack

STACK = """\
name: shop
functions:
  - name: api
    handler: 'app:handle'
    memory: 4096
    triggers: [{kind: http, method: GET, path: /slow}]
"""
HANDLER = """\
import time

from portable.runtime import HttpResponse


def handle(request):
    time.sleep(0.05)
    return HttpResponse.json({"ok": True})
"""


def _serve_a_few(root: Path, count: int) -> None:
    loaded = load_target(str(root))
    with LocalStack(loaded.stack, root, log_stream=None) as local:
        for _ in range(count):
            assert local.http("GET", "/slow").status == 200


def test_dev_records_and_cost_uses_the_measurements(tmp_path: Path) -> None:
    (tmp_path / "stack.yaml").write_text(STACK)
    (tmp_path / "app.py").write_text(HANDLER)
    _serve_a_few(tmp_path, 4)
    saved = json.loads((tmp_path / MEASUREMENTS_FILE).read_text())["functions"]["api"]
    assert saved["invocations"] == 4
    assert 50 <= saved["duration_ms"] < 1000
    assert 10 < saved["peak_memory_mb"] < 4096
    _serve_a_few(tmp_path, 2)  # a second session adds to the first
    measured = load_measured(tmp_path)
    assert measured is not None and measured.functions["api"].invocations == 6

    usage = tmp_path / "usage.yaml"
    usage.write_text("functions:\n  api: {invocations: 1000000, duration_ms: 5}\nlogs: {kb_per_invocation: 0}\n")
    result = CliRunner().invoke(app, ["cost", str(tmp_path), "--usage", str(usage), "--usage-from-dev",
                                      "--provider", "aws", "--no-free-tier", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    duration = measured.functions["api"].duration_ms
    assert {"field": "functions.api.duration_ms", "value": duration,
            "reason": "measured by portable dev over 6 invocations"} in report["assumptions"]
    lines = {line["price"]: line for line in report["providers"][0]["lines"]}
    # 1,000,000 invocations (the stated volume) x the measured duration x 4 GB
    assert lines["lambda.duration.x86_64"]["quantity"] == 1_000_000 * duration / 1000 * 4


def test_check_flags_memory_far_above_the_measured_peak(tmp_path: Path) -> None:
    (tmp_path / "stack.yaml").write_text(STACK)
    (tmp_path / "app.py").write_text(HANDLER)
    _serve_a_few(tmp_path, 2)
    result = CliRunner().invoke(app, ["check", str(tmp_path), "--provider", "aws", "--format", "json"])
    findings = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "portable/memory-over-provisioned"]
    assert len(findings) == 1
    assert findings[0]["message"].startswith("Function 'api' has memory 4096 MB, ")
    assert findings[0]["message"].endswith(" MB (measured by portable dev)")
