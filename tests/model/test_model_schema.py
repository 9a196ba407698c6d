"""The JSON Schema accepts what the model accepts (the example) and rejects what it rejects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from portable.model import Stack, json_schema


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    found = json_schema()
    jsonschema.Draft202012Validator.check_schema(found)
    return found


def test_the_yaml_example_is_valid(schema: dict[str, Any], orders_dir: Path) -> None:
    jsonschema.validate(yaml.safe_load((orders_dir / "stack.yaml").read_text()), schema)


def test_a_dumped_stack_is_valid(schema: dict[str, Any], orders_stack: Stack) -> None:
    jsonschema.validate(json.loads(orders_stack.to_json()), schema)


@pytest.mark.parametrize("case", [
    "unknown_field_function", "stack_name_with_space", "name_double_hyphen", "memory_too_low",
    "trigger_unknown_kind", "http_unknown_method", "document_is_a_list",
])
def test_an_invalid_stack_is_rejected(schema: dict[str, Any], case: str) -> None:
    data = yaml.safe_load((Path(__file__).parent / "invalid" / f"{case}.yaml").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_fields_carry_their_documentation(schema: dict[str, Any]) -> None:
    memory = schema["$defs"]["Function"]["properties"]["memory"]
    assert memory["description"].startswith("Memory in MB")
    assert schema["title"] == "portable stack"
