"""``portable cost TARGET``: what the stack costs in a month on each cloud, side by side."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable

from portable.cli.app import app
from portable.cli.output import console, handle_errors
from portable.cost.estimate import CostReport, ProviderCost, estimate
from portable.cost.measured import load_measured
from portable.cost.month import resolve
from portable.cost.usage import Usage, load_usage, usage_schema
from portable.errors import UsageError
from portable.loader import load_target
from portable.registry import get_provider

CLOUDS = ("aws", "azure", "gcp")

_CATEGORY = {
    "function.invocations": "requests", "function.memory_gb_seconds": "compute", "function.vcpu_seconds": "compute",
    "function.warm_memory_gb_seconds": "always-on (min_instances)",
    "function.warm_vcpu_seconds": "always-on (min_instances)", "http.requests": "API front door",
    "schedule.runs": "schedule", "schedule.jobs": "schedule", "bucket.stored_gb": "storage",
    "bucket.writes": "requests", "bucket.reads": "requests", "bucket.events": "object events",
    "table.reads": "table units", "table.writes": "table units", "table.stored_gb": "storage",
    "secret.count": "secrets", "secret.reads": "secrets", "logs.ingested_gb": "logs", "logs.stored_gb": "logs",
    "topic.namespace_hours": "Service Bus namespace",
}


def category(meter: str) -> str:
    """The row a meter is added to in the side-by-side table."""
    return _CATEGORY.get(meter, "messages")


@app.command()
@handle_errors
def cost(
    target: Annotated[str | None, typer.Argument(
        help="The stack: a folder with stack.py or stack.yaml, a stack file, or module:attribute.",
        show_default=False, metavar="TARGET",
    )] = None,
    usage: Annotated[Path | None, typer.Option(
        "--usage", "-u", help="A usage file (YAML or JSON; see --usage-schema). Default: every value's default.",
        dir_okay=False,
    )] = None,
    provider: Annotated[str, typer.Option(
        "--provider", "-p", help="aws, azure, gcp or all.", metavar="NAME",
    )] = "all",
    region: Annotated[str | None, typer.Option(
        "--region", help="Price in this region (default: each price file's first).", metavar="REGION",
    )] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON (every line with its source).")] = False,
    no_free_tier: Annotated[bool, typer.Option("--no-free-tier", help="Leave the monthly free tiers out.")] = False,
    usage_from_dev: Annotated[bool, typer.Option(
        "--usage-from-dev", help="Take durations and peak memory from what 'portable dev' measured.",
    )] = False,
    detail: Annotated[bool, typer.Option("--detail", help="Also list every line: quantity, rate, source.")] = False,
    schema: Annotated[bool, typer.Option("--usage-schema", help="Print the usage file's JSON Schema and exit.")] = False,
) -> None:
    """Estimate a month of the stack on AWS, Azure and Google Cloud, with the always-on baseline."""
    if schema:
        typer.echo(json.dumps(usage_schema(), indent=2))
        return
    if target is None:
        raise UsageError("Missing argument TARGET", hint="Name a stack: portable cost examples/orders")
    names = CLOUDS if provider == "all" else (provider,)
    if provider != "all" and provider not in CLOUDS:
        raise UsageError(f"Unknown provider {provider!r} for cost", hint="Use aws, azure, gcp or all.")
    loaded = load_target(target)
    month = resolve(
        loaded.stack,
        load_usage(usage) if usage is not None else Usage(),
        load_measured(loaded.root) if usage_from_dev else None,
    )
    sheets = [(name, get_provider(name).title, get_provider(name).prices()) for name in names]
    report = estimate(month, sheets, region=region, free_tier=not no_free_tier)
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
        return
    _side_by_side(report, str(usage) if usage else None)
    _break_even(report)
    if detail:
        for cloud in report.providers:
            _lines(cloud)
    _assumptions(report)


def _side_by_side(report: CostReport, usage: str | None) -> None:
    clouds = report.providers
    table = RichTable(
        title=f"Stack {report.stack!r}: one month ({report.month_hours} h) at list prices, USD",
        title_justify="left",
    )
    table.add_column("", overflow="fold")
    table.add_column("item", overflow="fold")
    for cloud in clouds:
        table.add_column(f"{cloud.provider}\n{cloud.region}", justify="right")
    rows: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(float)))
    for cloud in clouds:
        for line in cloud.lines:
            rows[line.subject][category(line.meter)][cloud.provider] += line.usd
    for subject in sorted(rows, key=_subject_order):
        for index, (what, by_cloud) in enumerate(rows[subject].items()):
            table.add_row(subject if index == 0 else "", what, *(_usd(by_cloud.get(c.provider)) for c in clouds))
    table.add_section()
    table.add_row("free tier" if report.free_tier else "included in base charges", "",
                  *(_usd(sum(x.usd for x in c.free_tier)) for c in clouds))
    table.add_row("of which always-on", "", *(_usd(c.always_on_usd) for c in clouds))
    table.add_row("[bold]total[/bold]", "", *(f"[bold]{_usd(c.usd)}[/bold]" for c in clouds))
    table.add_section()
    table.add_row("container baseline", "always-on", *(_usd(c.baseline.usd) for c in clouds))
    console.print(table)
    read = min(c.prices_read for c in clouds)
    console.print(
        f"Usage: {usage or 'defaults only (no --usage)'}. Prices: transcribed from the clouds' public pricing "
        f"pages, read {read.isoformat()}; each line's source is in --detail and --json.",
        soft_wrap=True, markup=False,
    )


_KINDS = ("function", "queue", "topic", "bucket", "table", "secret", "stack")


def _subject_order(subject: str) -> int:
    return _KINDS.index(subject.split(" ", 1)[0])


def _break_even(report: CostReport) -> None:
    clouds = report.providers
    table = RichTable(
        title="Break-even: invocations a month at which one always-on container of the same memory costs the same",
        title_justify="left",
    )
    table.add_column("function")
    for cloud in clouds:
        table.add_column(cloud.provider, justify="right", overflow="fold")
    for index, function in enumerate(report.providers[0].break_even):
        cells = []
        for cloud in clouds:
            point = cloud.break_even[index]
            if point.invocations_per_month is None:
                cells.append(point.note)
            else:
                cells.append(f"{point.invocations_per_month:,.0f} ({point.requests_per_second:.2f}/s)")
        table.add_row(function.function, *cells)
    console.print(table)


def _lines(cloud: ProviderCost) -> None:
    table = RichTable(title=f"{cloud.title} ({cloud.region}): every line", title_justify="left")
    for column in ("subject", "price", "quantity", "rate", "USD", "read", "source"):
        table.add_column(column, overflow="fold", justify="right" if column in ("quantity", "USD") else "left")
    for line in [*cloud.lines, *cloud.free_tier, *cloud.baseline.lines, *cloud.baseline.free_tier]:
        per = "1" if line.per == 1 else f"{line.per:,.0f}"
        table.add_row(line.subject, line.price, f"{line.quantity:,.2f}", f"${line.usd_per:g} / {per}",
                      _usd(line.usd), line.read.isoformat(), line.source)
    console.print(table)


def _assumptions(report: CostReport) -> None:
    if not report.assumptions:
        return
    console.print("Assumed (not in the usage file):", markup=False)
    for assumption in report.assumptions:
        console.print(f"  {assumption.field} = {assumption.value:g} ({assumption.reason})", markup=False,
                      soft_wrap=True)


def _usd(value: float | None) -> str:
    if value is None:
        return "-"
    if 0 < abs(value) < 0.005:
        return "<0.01" if value > 0 else "-<0.01"
    return f"{value:,.2f}"
