"""Helpers the AWS tests share: declaring functions on the test project and reading plans."""

from __future__ import annotations

import json
from typing import Any

from portable.model import Function, Stack
from portable.plan import Plan, PlannedResource

LAMBDA = "aws:lambda/function:Function"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
PERMISSION = "aws:lambda/permission:Permission"
QUEUE = "aws:sqs/queue:Queue"


def function(stack: Stack, name: str = "api", **settings: Any) -> Function:
    """Declare a function whose code is the project's handler."""
    return stack.function(name, handler="app.handlers:handle", source="src", **settings)


def policy(plan: Plan, name: str) -> dict[str, Any]:
    """The parsed policy document of the role policy ``name``."""
    document: dict[str, Any] = json.loads(plan.get(ROLE_POLICY, name).inputs["policy"])
    return document


def only(resources: list[PlannedResource]) -> PlannedResource:
    assert len(resources) == 1, [r.name for r in resources]
    return resources[0]


def environment(plan: Plan, function_name: str) -> dict[str, str]:
    variables: dict[str, str] = plan.get(LAMBDA, function_name).inputs["environment"]["variables"]
    return variables
