"""``plan`` reads the Pulumi config where Pulumi does: Pulumi.<cloud>.yaml in the project folder (the
nearest one holding Pulumi.yaml, upward), also for a ``module:attr`` target in a subfolder."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from portable.cli import app
from portable.loader import load_target

STACK_PY = """
from portable import Http, Stack

stack = Stack("shop")
stack.function("api", handler="handlers:api", triggers=[Http("GET", "/hello", public=True)])
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: shop\nruntime: python\n")
    (tmp_path / "Pulumi.aws.yaml").write_text("config:\n  aws:region: us-east-2\n")
    package = tmp_path / "deploy_app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "stack.py").write_text(STACK_PY)
    (package / "handlers.py").write_text("def api(request):\n    return 'hello'\n")
    monkeypatch.chdir(tmp_path)
    modules = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - modules:
        if name.startswith("deploy_app"):
            del sys.modules[name]


def test_the_project_is_the_nearest_folder_with_pulumi_yaml(project: Path) -> None:
    loaded = load_target("deploy_app.stack:stack")
    assert (loaded.root, loaded.project) == (project / "deploy_app", project)


def test_without_pulumi_yaml_the_project_is_the_stack_folder(tmp_path: Path) -> None:
    (tmp_path / "stack.yaml").write_text("name: shop\n")
    loaded = load_target("stack.yaml", cwd=tmp_path)
    assert loaded.project == loaded.root == tmp_path


def test_plan_of_a_module_target_in_a_subfolder_uses_the_projects_region(project: Path) -> None:
    result = CliRunner().invoke(app, ["plan", "deploy_app.stack:stack", "--provider", "aws", "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["outputs"]["http"]["http"]["url"].endswith(".execute-api.us-east-2.amazonaws.com")
