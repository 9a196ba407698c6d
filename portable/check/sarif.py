"""SARIF 2.1.0 for code scanning: one run, portable's rules, one result per finding.

GitHub code scanning needs, per result, a ``ruleId``, a ``message.text`` and a physical location whose
``artifactLocation.uri`` is relative to the repository (``base``) with a ``region.startLine``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from portable.check.findings import RULES
from portable.check.report import CheckReport

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(file: str | None, base: Path) -> str:
    if file is None:
        return "stack.py"
    path = Path(file).resolve()
    try:
        return path.relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def to_sarif(report: CheckReport, base: Path, version: str = "0.1.0") -> dict[str, Any]:
    """The report as a SARIF log; file paths relative to ``base`` (the repository's root)."""
    rules = list(RULES.values())
    index = {rule.id: i for i, rule in enumerate(rules)}
    results = []
    for f in report.findings:
        fingerprint = hashlib.sha256(f"{f.rule}|{f.provider}|{f.path}|{f.message}".encode()).hexdigest()[:32]
        results.append({
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": f.level,
            "message": {"text": f"{f.message}. {f.fix}".strip() if f.fix else f.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(f.file, base)},
                    "region": {"startLine": f.line or 1},
                },
                "logicalLocations": [{"fullyQualifiedName": f.path, "kind": "object"}],
            }],
            "partialFingerprints": {"portableFinding/v1": fingerprint},
            "properties": {"provider": f.provider or "all"},
        })
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "portable check",
                "version": version,
                "rules": [{
                    "id": rule.id,
                    "name": "".join(w.capitalize() for w in rule.id.split("/")[1].split("-")),
                    "shortDescription": {"text": rule.title},
                    "fullDescription": {"text": rule.description},
                    "help": {"text": rule.description},
                    "defaultConfiguration": {"level": rule.level},
                } for rule in rules],
            }},
            "results": results,
        }],
    }
