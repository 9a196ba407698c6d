"""``portable check TARGET``: the portability report, the serverless pitfalls and the fit scores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from portable.check.portability import Target
from portable.check.report import CheckReport, check_stack
from portable.check.sarif import to_sarif
from portable.cli.app import app
from portable.cli.output import console, handle_errors
from portable.cost.measured import load_measured
from portable.cost.usage import load_usage
from portable.errors import UsageError
from portable.loader import load_target
from portable.registry import get_provider, provider_names

_MODE = {"native": "[green]native[/green]", "emulated": "[yellow]emulated[/yellow]",
         "unsupported": "[red]unsupported[/red]"}
_DIFFERENCES = frozenset({"portable/limit", "portable/behaviour", "portable/emulated"})
_LEVEL = {"error": "[bold red]error[/bold red]", "warning": "[yellow]warning[/yellow]", "note": "[dim]note[/dim]"}


@app.command()
@handle_errors
def check(
    target: Annotated[str, typer.Argument(
        help="The stack: a folder with stack.py or stack.yaml, a stack file, or module:attribute.",
        show_default=False, metavar="TARGET",
    )],
    provider: Annotated[str, typer.Option(
        "--provider", "-p", help="aws, azure, gcp, local or all (the three clouds).", metavar="NAME",
    )] = "all",
    output_format: Annotated[str, typer.Option(
        "--format", "-f", help="table (for people), json (for tools) or sarif (for code scanning).",
    )] = "table",
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when there is an error.")] = False,
    usage: Annotated[Path | None, typer.Option(
        "--usage", "-u", help="A usage file (see portable cost --usage-schema) for traffic and sizes.", dir_okay=False,
    )] = None,
    from_dev: Annotated[bool, typer.Option(
        "--usage-from-dev/--no-usage-from-dev",
        help="Use what 'portable dev' measured (durations, peak memory) if it measured anything.",
    )] = True,
    toil: Annotated[str, typer.Option("--toil", help="The team's tolerance for toil: low or high.")] = "low",
) -> None:
    """Check how portable the stack is, which serverless pitfalls it walks into, and how well it fits."""
    names = ["aws", "azure", "gcp"] if provider == "all" else [provider]
    if provider != "all" and provider not in provider_names():
        raise UsageError(f"Unknown provider {provider!r}", hint=f"Use all or one of: {', '.join(provider_names())}.")
    if output_format not in ("table", "json", "sarif"):
        raise UsageError(f"Unknown format {output_format!r}", hint="Use table, json or sarif.")
    if toil not in ("low", "high"):
        raise UsageError(f"Unknown toil tolerance {toil!r}", hint="Use low or high.")
    loaded = load_target(target)
    targets = [Target(n, get_provider(n).limits(), get_provider(n).facts()) for n in names]
    report = check_stack(
        loaded.stack, targets, root=loaded.root, origin=loaded.origin,
        usage=load_usage(usage) if usage is not None else None,
        measured=load_measured(loaded.root, required=False) if from_dev else None,
        toil=toil,
    )
    if output_format == "json":
        typer.echo(report.model_dump_json(indent=2))
    elif output_format == "sarif":
        typer.echo(json.dumps(to_sarif(report, Path.cwd()), indent=2))
    else:
        _print(report)
    if strict and report.count("error"):
        raise typer.Exit(code=1)


def _print(report: CheckReport) -> None:
    placements = RichTable(title=f"Portability of stack {report.stack!r}", title_justify="left")
    placements.add_column("object", overflow="fold")
    for name in report.providers:
        placements.add_column(name, overflow="fold")
    rows: dict[str, dict[str, str]] = {}
    for p in report.placements:
        cell = f"{_MODE[p.mode]} {escape(p.service)}" + (f"\n[dim]{escape(p.how)}[/dim]" if p.how else "")
        rows.setdefault(p.what, {})[p.provider] = cell
    for what, cells in rows.items():
        placements.add_row(escape(what), *(cells.get(n, "-") for n in report.providers))
    console.print(placements)
    differences = [f for f in report.findings if f.rule in _DIFFERENCES]
    pitfalls = [f for f in report.findings if f.rule not in _DIFFERENCES]
    for title, chosen in (("Differences", differences), ("Pitfalls", pitfalls)):
        console.print(f"[bold]{title}[/bold] ({len(chosen)})")
        for found in chosen:
            fix = f"\n    [dim]{escape(found.fix)}[/dim]" if found.fix else ""
            console.print(f"  {_LEVEL[found.level]} {escape(found.message)} [dim]\\[{found.rule}][/dim]{fix}",
                          soft_wrap=True)
    fits = RichTable(title="Fit for serverless (one point each; migrate at 4 or more)", title_justify="left")
    fits.add_column("function")
    fits.add_column("score", justify="right")
    fits.add_column("points", overflow="fold")
    for f in report.fit:
        points = "\n".join(f"{'+' if p.earned else '-'} {p.criterion}: {escape(p.reason)}" for p in f.points)
        fits.add_row(f.function, f"{f.score}/5 {f.verdict}", points)
    console.print(fits)
    console.print(
        f"{report.count('error')} errors, {report.count('warning')} warnings, {report.count('note')} notes.",
        markup=False,
    )


