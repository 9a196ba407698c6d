"""The price files: valid, sourced, dated, and not left to go stale."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from portable.cost.prices import MAX_AGE_DAYS, load_sheet
from portable.errors import PortableError
from portable.registry import get_provider

CLOUDS = {"aws": "aws.amazon.com", "azure": "azure.microsoft.com", "gcp": "cloud.google.com"}


@pytest.mark.parametrize("cloud", CLOUDS)
def test_prices_were_read_recently(cloud: str) -> None:
    """Fails when a price is older than MAX_AGE_DAYS: re-check it on its source page and update `read`."""
    sheet = get_provider(cloud).prices()
    stale = [p.id for p in sheet.prices if date.today() - p.read > timedelta(days=MAX_AGE_DAYS)]
    assert stale == [], f"re-check these {cloud} prices on their source pages: {stale}"


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_price_has_its_own_source_on_the_cloud_pricing_site(cloud: str) -> None:
    sheet = get_provider(cloud).prices()
    assert sheet.provider == cloud
    for price in sheet.prices:
        assert price.source.startswith(f"https://{CLOUDS[cloud]}/"), price.id
        assert "pricing" in price.source, price.id
    assert len({p.id for p in sheet.prices}) == len(sheet.prices)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_meter_is_one_portable_counts(cloud: str) -> None:
    from portable.cost import meters

    known = set(meters.__doc__.split("| meter | counts |", 1)[1].replace("`", " ").split())  # type: ignore[union-attr]
    for price in get_provider(cloud).prices().prices:
        assert price.meter in known or price.meter.startswith("baseline."), price.meter


def test_every_cloud_prices_the_always_on_baseline() -> None:
    for cloud in CLOUDS:
        meters = {p.meter for p in get_provider(cloud).prices().prices}
        assert meters & {"baseline.vcpu_seconds", "baseline.vcpu_hours"}, cloud
        assert meters & {"baseline.memory_gb_seconds", "baseline.memory_gb_hours"}, cloud


def test_gcp_vcpus_follow_what_the_deploy_side_gives() -> None:
    pytest.importorskip("pulumi")
    from providers.gcp.deploy.function import cpu_for

    price = next(p for p in get_provider("gcp").prices().in_region() if p.meter == "function.vcpu_seconds")
    for memory in (128, 512, 2048, 4096, 4097, 8192, 12000, 16384, 20000, 24576, 32768):
        assert price.vcpu(memory) == float(cpu_for(memory)), memory


def test_unknown_region_names_the_regions_priced() -> None:
    with pytest.raises(PortableError) as caught:
        get_provider("aws").prices().in_region("mars-1")
    assert caught.value.message == "Provider 'aws' has no prices for region 'mars-1'"
    assert caught.value.hint == "Regions with prices: us-east-1."


def test_local_has_no_prices() -> None:
    with pytest.raises(PortableError, match="Provider 'local' has no prices"):
        get_provider("local").prices()


def test_a_bad_price_file_names_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "prices.yaml"
    path.write_text(
        "provider: x\nprices:\n  - {id: a, what: a, meter: function.invocations, usd: -1, per: 1, region: r,\n"
        "     source: 'https://example.com/pricing', read: 2026-12-02, checked: page}\n"
    )
    with pytest.raises(PortableError) as caught:
        load_sheet(path)
    assert caught.value.message == (
        f"Price file {path}: prices.0.usd: Input should be greater than or equal to 0; got -1"
    )


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_price_says_how_it_was_checked(cloud: str) -> None:
    checked = {p.checked for p in get_provider(cloud).prices().prices}
    assert checked <= {"page", "transcribed"} and checked


def test_a_price_must_say_how_it_was_checked(tmp_path: Path) -> None:
    path = tmp_path / "prices.yaml"
    entry = "{id: a, what: a, meter: function.invocations, usd: 1, per: 1, region: r, source: 'https://e.com/p', read: 2026-12-02"
    path.write_text(f"provider: x\nprices:\n  - {entry}}}\n")
    with pytest.raises(PortableError) as caught:
        load_sheet(path)
    assert caught.value.message.startswith(f"Price file {path}: prices.0.checked: Field required; got {{'id': 'a'")
    path.write_text(f"provider: x\nprices:\n  - {entry}, checked: memory}}\n")
    with pytest.raises(PortableError) as caught:
        load_sheet(path)
    assert caught.value.message == (
        f"Price file {path}: prices.0.checked: Input should be 'page' or 'transcribed'; got 'memory'"
    )
