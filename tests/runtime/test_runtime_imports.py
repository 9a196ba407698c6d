"""Each cloud's shim imports in a fresh interpreter without heavy modules or another cloud's shim."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pydantic", "pulumi", "asyncio", "boto3", "botocore", "azure", "google", "typer", "rich", "dataclasses")
SHIMS = ("providers.aws.runtime", "providers.gcp.runtime", "providers.azure.runtime")


@pytest.mark.parametrize("shim", SHIMS)
def test_a_shim_imports_nothing_heavy(shim: str) -> None:
    code = f"import sys, json; import {shim}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-S", "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); {code}"],
                            capture_output=True, text=True, check=True, cwd=ROOT)
    modules = json.loads(result.stdout)
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert heavy == [], f"{shim} imported {heavy}"
    others = sorted(m for m in modules if m.startswith("providers.") and m.split(".")[1] != shim.split(".")[1])
    assert others == [], f"{shim} imported another provider: {others}"
    lazy = sorted(m for m in modules if m in ("portable.runtime.clients", "portable.runtime.cloudevents",
                                              "portable.model", "urllib.parse", "binascii"))
    assert lazy == [], f"{shim} imported at import time what it only needs later: {lazy}"
    assert "typing" not in modules, f"{shim} imported typing (about 3 ms of every cold start)"
    families = sorted(m for m in modules if (m.startswith(f"{shim}_") and not m.endswith("_http"))
                      or m in ("portable.runtime.message", "portable.runtime.objects", "portable.runtime.schedule",
                               "portable.runtime.links", "portable.runtime.routes"))
    assert families == [], f"{shim} imported at import time what only non-HTTP events or routes need: {families}"
