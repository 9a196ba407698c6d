"""Every provider's behaviour facts: reached through Provider.facts(), complete, sourced, SDK-free."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from portable.facts import SECTIONS, ProviderFacts
from portable.registry import get_provider

PROVIDERS = ("local", "aws", "azure", "gcp")


@pytest.mark.parametrize("name", PROVIDERS)
def test_every_provider_records_every_section(name: str) -> None:
    facts = get_provider(name).facts()
    assert isinstance(facts, ProviderFacts)
    assert facts.name == name
    assert list(facts.sections()) == list(SECTIONS)


@pytest.mark.parametrize("name", ("aws", "azure", "gcp"))
def test_every_cloud_limit_has_a_source_note(name: str) -> None:
    missing = []
    for section_name, section in get_provider(name).facts().sections().items():
        for field in fields(section):
            value = getattr(section, field.name)
            if field.name in ("service", "emulated", "sources") or value is None or isinstance(value, bool | str):
                continue
            if isinstance(value, int) and not section.source(field.name):
                missing.append(f"{section_name}.{field.name}")
    assert missing == []


def test_sources_name_only_real_fields() -> None:
    for name in PROVIDERS:
        for section_name, section in get_provider(name).facts().sections().items():
            names = {f.name for f in fields(section)}
            assert set(section.sources) <= names, (name, section_name, set(section.sources) - names)


def test_cloud_facts_differ_where_the_clouds_do() -> None:
    aws, azure, gcp = (get_provider(n).facts() for n in ("aws", "azure", "gcp"))
    assert (aws.http.timeout, azure.http.timeout, gcp.http.timeout) == (30, 230, 3600)  # type: ignore[union-attr]
    assert (aws.table.item_bytes, azure.table.item_bytes) == (400 * 1024, 1024 * 1024)  # type: ignore[union-attr]
    assert azure.schedule.time_zones is False and gcp.schedule.time_zones is True  # type: ignore[union-attr]
    assert gcp.queue.redelivery == "ack deadline" and aws.queue.redelivery == "visibility timeout"  # type: ignore[union-attr]


def test_unknown_section_is_named() -> None:
    facts = get_provider("aws").facts()
    with pytest.raises(KeyError, match="no facts section 'queues'; sections: function, http, queue"):
        facts.section("queues")


def test_facts_import_no_sdk() -> None:
    """The facts import in a bare interpreter: ``-S`` skips site-packages and their .pth files (one of a
    google package imports 'google' at start-up), so any third-party import would fail or be listed."""
    root = Path(__file__).resolve().parents[2]
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(root)!r})\n"
        "before = set(sys.modules)\n"
        "import providers.aws.facts, providers.azure.facts, providers.gcp.facts, providers.local.facts\n"
        "loaded = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "print(sorted(loaded - set(sys.stdlib_module_names)))\n"
    )
    out = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "['portable', 'providers']"


def test_a_section_lists_its_values_without_the_sources() -> None:
    queue = get_provider("gcp").facts().section("queue")
    values = queue.values()
    assert values["service"] == "Pub/Sub topic + push subscription"
    assert values["redelivery_max"] == 600 and "sources" not in values
    assert queue.source("redelivery_max") == "Pub/Sub: ack deadline 10-600 s (for push, the response deadline)"
