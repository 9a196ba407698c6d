"""The escape hatch checked as deeply as the model: nested names and value types against the native
input types (in ``plan`` and in ``validate --provider``), and overrides of portable's defaults shown."""

from __future__ import annotations

import doctest
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from portable import native
from portable.cli import app
from portable.errors import PortableError
from portable.model import Http, Stack
from portable.plan import plan_stack
from portable.registry import get_provider

GCP_CONFIG = {"gcp:project": "acme-orders", "gcp:region": "europe-west1"}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("native")
    (folder / "app.py").write_text("def handle(event, ctx=None):\n    return 'ok'\n")
    return folder


def shop(**options: dict[str, Any]) -> Stack:
    stack = Stack("shop")
    stack.function("api", handler="app:handle", triggers=[Http("GET", "/")], options=options)
    return stack


def refusal(stack: Stack, provider: str, root: Path) -> PortableError:
    with pytest.raises(PortableError) as caught:
        plan_stack(stack, provider, root, config=GCP_CONFIG if provider == "gcp" else None)
    return caught.value


MISTAKES = [
    pytest.param("azure", {"site_config": {"http20_enable": False}},
                 "Function 'api': options['azure']['site_config'] has an unknown field 'http20_enable' for "
                 "azure_native.web.WebApp",
                 "Did you mean 'http20_enabled'? Allowed fields: acr_use_managed_identity_creds, ", id="misspelt-nested-key"),
    pytest.param("aws", {"layers": "arn:aws:lambda:eu-west-1:123456789012:layer:deps:3"},
                 "Function 'api': options['aws']['layers'] is 'arn:aws:lambda:eu-west-1:123456789012:layer:deps:3', "
                 "but a list is expected there for aws.lambda_.Function", None, id="string-for-a-list"),
    pytest.param("aws", {"tracing_config": "PassThrough"},
                 "Function 'api': options['aws']['tracing_config'] is 'PassThrough', but an object is expected there "
                 "for aws.lambda_.Function", "Write it as a mapping of the fields: mode.", id="scalar-for-an-object"),
    pytest.param("aws", {"vpc_config": {"subnet_ids": ["subnet-1"], "security_group_ids": "sg-1"}},
                 "Function 'api': options['aws']['vpc_config']['security_group_ids'] is 'sg-1', but a list is "
                 "expected there for aws.lambda_.Function", None, id="deep-string-for-a-list"),
    pytest.param("aws", {"ephemeral_storage": {"size": "2GB"}},
                 "Function 'api': options['aws']['ephemeral_storage']['size'] is '2GB', but an integer is expected "
                 "there for aws.lambda_.Function", None, id="string-for-an-integer"),
    pytest.param("gcp", {"template": {"containers": {"image": "python"}}},
                 "Function 'api': options['gcp']['template']['containers'] is {'image': 'python'}, but a list is "
                 "expected there for gcp.cloudrunv2.Service", None, id="object-for-a-list"),
]


@pytest.mark.parametrize(("provider", "options", "message", "hint"), MISTAKES)
def test_plan_refuses_an_option_that_does_not_fit_the_native_input_types(
        provider: str, options: dict[str, Any], message: str, hint: str | None, root: Path) -> None:
    error = refusal(shop(**{provider: options}), provider, root)
    assert error.message == message
    if hint is not None and not hint.endswith("."):  # the start of a long list of fields
        assert (error.hint or "").startswith(hint)
    else:
        assert error.hint == hint


@pytest.mark.parametrize(("provider", "options", "message", "hint"), MISTAKES)
def test_validate_with_a_provider_refuses_the_same_options_with_the_same_words(
        provider: str, options: dict[str, Any], message: str, hint: str | None, root: Path) -> None:
    with pytest.raises(PortableError) as caught:
        native.check_stack(shop(**{provider: options}), provider, get_provider(provider).native_types())
    assert caught.value.message == message


def test_well_formed_nested_options_pass_on_every_cloud(root: Path) -> None:
    good = {
        "aws": {"layers": ["arn:aws:lambda:eu-west-1:123456789012:layer:deps:3"],
                "vpc_config": {"subnet_ids": ["subnet-1"], "security_group_ids": ["sg-1"]},
                "ephemeral_storage": {"size": 2048}, "tags": {"team": "web"}},
        "azure": {"site_config": {"http20_enabled": False, "app_command_line": ""}, "tags": {"team": "web"}},
        "gcp": {"template": {"timeout": "90s", "containers": [{"envs": [{"name": "A", "value": "b"}]}]},
                "labels": {"team": "web"}},
    }
    for provider, options in good.items():
        native.check_stack(shop(**{provider: options}), provider, get_provider(provider).native_types())


def test_an_option_replacing_a_secure_default_is_allowed_and_shown_in_the_plan(root: Path) -> None:
    plan = plan_stack(shop(azure={"site_config": {"min_tls_version": "1.0", "http20_enabled": True}}), "azure", root)
    [app_] = plan.of_type("azure-native:web:WebApp")
    assert app_.inputs["siteConfig"]["minTlsVersion"] == "1.0"
    assert ("Function 'api': options['azure']['site_config']['min_tls_version'] overrides portable's default '1.2' "
            "with '1.0'") in plan.notes
    assert not any("http20_enabled" in note for note in plan.notes), "the same value as portable's is no override"

    aws = plan_stack(shop(aws={"tracing_config": {"mode": "PassThrough"}}), "aws", root)
    assert ("Function 'api': options['aws']['tracing_config']['mode'] overrides portable's default 'Active' with "
            "'PassThrough'") in aws.notes


def test_validate_provider_checks_options(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def handle(event, ctx=None):\n    return 'ok'\n")
    (tmp_path / "stack.yaml").write_text(
        "name: shop\nfunctions:\n  - name: api\n    handler: app:handle\n"
        "    options:\n      aws:\n        tracing_config: PassThrough\n")
    result = CliRunner().invoke(app, ["validate", str(tmp_path), "--provider", "aws"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        "Error: Function 'api': options['aws']['tracing_config'] is 'PassThrough', but an object is expected there "
        "for aws.lambda_.Function",
        "Hint: Write it as a mapping of the fields: mode.",
    ]
    plain = CliRunner().invoke(app, ["validate", str(tmp_path)])
    assert plain.exit_code == 0, "without --provider the options of a cloud are not checked"


def test_the_native_modules_examples_run() -> None:
    result = doctest.testmod(native)
    assert result.attempted >= 2 and result.failed == 0
