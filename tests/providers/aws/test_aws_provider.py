"""The registry entry and the deploy entry point."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pulumi
import pytest
from aws_helpers import function

from portable.bundle.closure import shipped_files
from portable.bundle.shim import install_root
from portable.deploy import deploy, deploy_stack
from portable.errors import PortableError
from portable.model import Stack
from portable.plan.runner import run_program
from portable.registry import get_provider
from providers.aws.limits import LIMITS
from providers.aws.mocks import AwsCloud
from providers.aws.provider import AwsProvider


def test_the_registry_finds_the_aws_provider() -> None:
    provider = get_provider("aws")
    assert isinstance(provider, AwsProvider)
    assert (provider.name, provider.title, provider.extra) == ("aws", "AWS Lambda", "aws")
    assert provider.limits() is LIMITS
    provider.requires()


def test_the_runtime_files_exist() -> None:
    shipped = shipped_files(AwsProvider().bundle_files())
    assert {"providers/aws/runtime.py", "providers/aws/contract.py", "providers/aws/clients.py",
            "portable/runtime/dispatch.py"} <= set(shipped)
    for path in shipped:
        assert (install_root() / path).is_file(), path


def test_importing_the_provider_imports_neither_pulumi_nor_boto3() -> None:
    code = (
        "import sys, providers.aws.provider, providers.aws.clients, providers.aws.mocks\n"
        "from portable.registry import get_provider\n"
        "get_provider('aws').limits()\n"
        "heavy = sorted(m for m in ('pulumi', 'pulumi_aws', 'boto3', 'botocore') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=install_root())


def test_without_portable_provider_in_the_config_deploy_says_how_to_set_it(project: Path) -> None:
    stack = Stack("shop")
    function(stack)
    with pytest.raises(PortableError) as caught:
        run_program(lambda: deploy_stack(stack, project), AwsCloud())
    assert caught.value.message == "The Pulumi stack's config does not name a provider (portable:provider is not set)"
    assert caught.value.hint == "Set it per stack, e.g. 'pulumi config set portable:provider aws' (aws, azure or gcp)."


def test_deploy_reports_a_mistake_as_a_pulumi_error_with_its_hint(project: Path) -> None:
    stack = Stack("shop")
    function(stack, timeout=901)
    with pytest.raises(pulumi.RunError) as caught:
        run_program(lambda: deploy(stack, project), AwsCloud(), config={"portable:provider": "aws"})
    assert str(caught.value).startswith("Stack 'shop' on AWS Lambda has 1 problem:\n  - Function 'api': AWS Lambda allows")


def test_deploy_checks_the_handlers_on_disk(project: Path) -> None:
    stack = Stack("shop")
    stack.function("api", handler="app.missing:handle", source="src")
    with pytest.raises(PortableError, match=r"handler module 'app\.missing' not found"):
        run_program(lambda: deploy_stack(stack, project, provider="aws"), AwsCloud())
