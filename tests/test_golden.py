"""The golden-file check: a missing golden fails, a changed one fails, and only the variable rewrites it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

PLAN = {"resources": [{"type": "aws:s3/bucket:Bucket", "name": "uploads"}]}


@pytest.fixture
def no_update(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORTABLE_UPDATE_GOLDEN", raising=False)


def test_a_missing_golden_fails_and_is_not_created(tmp_path: Path, golden: Any, no_update: None) -> None:
    path = tmp_path / "golden" / "orders.json"
    with pytest.raises(pytest.fail.Exception) as failed:
        golden(path, PLAN, "the plan")
    assert str(failed.value) == (f"no golden file {path}; create it deliberately with "
                                 f"PORTABLE_UPDATE_GOLDEN=1 pytest {tmp_path}")
    assert not path.parent.exists()


def test_a_changed_plan_fails(tmp_path: Path, golden: Any, no_update: None) -> None:
    path = tmp_path / "orders.json"
    path.write_text('{"resources": []}\n')
    with pytest.raises(AssertionError) as failed:
        golden(path, PLAN, "the AWS plan")
    assert str(failed.value).startswith(
        f"the AWS plan changed; if intended, regenerate the golden file with PORTABLE_UPDATE_GOLDEN=1 pytest "
        f"{tmp_path.parent} and review the diff")
    assert path.read_text() == '{"resources": []}\n'


def test_the_variable_rewrites_the_golden(tmp_path: Path, golden: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "golden" / "orders.json"
    monkeypatch.setenv("PORTABLE_UPDATE_GOLDEN", "1")
    golden(path, PLAN, "the plan")
    assert path.read_text() == (
        '{\n "resources": [\n  {\n   "name": "uploads",\n   "type": "aws:s3/bucket:Bucket"\n  }\n ]\n}\n')
    monkeypatch.delenv("PORTABLE_UPDATE_GOLDEN")
    golden(path, PLAN, "the plan")
