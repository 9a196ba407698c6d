"""The JSON Schema of a stack, for editor completion and validation of YAML stacks."""

from __future__ import annotations

from typing import Any


def json_schema() -> dict[str, Any]:
    from portable.model.stack import Stack

    schema = Stack.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "portable stack"
    return schema
