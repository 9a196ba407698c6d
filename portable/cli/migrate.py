"""``portable migrate plan|copy|verify TARGET --from X --to Y``: move a stack's data between providers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Table as RichTable

from portable.cli.app import app
from portable.cli.output import console, err_console, handle_errors
from portable.errors import UsageError
from portable.loader import load_target
from portable.migrate import report as reports
from portable.migrate.copy import CopyOptions, copy_stack
from portable.migrate.engine import ENGINES, plan_cloud_transfer
from portable.migrate.manifest import FOLDER, Manifest, manifest_path
from portable.migrate.plan import plan_migration
from portable.migrate.sides import planes
from portable.migrate.verify import verify_stack
from portable.plan.model import Plan
from portable.plan.render import to_table as plan_table

migrate_app = typer.Typer(name="migrate", help="Move a stack's data between providers: plan, copy, verify.",
                          no_args_is_help=True)
app.add_typer(migrate_app)

Target = Annotated[str, typer.Argument(help="The stack (a folder, a stack file or module:attribute).",
                                       metavar="TARGET", show_default=False)]
From = Annotated[str, typer.Option("--from", help="The provider the data is on.", metavar="NAME", show_default=False)]
To = Annotated[str, typer.Option("--to", help="The provider the data moves to.", metavar="NAME", show_default=False)]
FromOutputs = Annotated[Path | None, typer.Option(
    "--from-outputs", help="The source stack's outputs (pulumi stack output --json).", metavar="FILE")]
ToOutputs = Annotated[Path | None, typer.Option(
    "--to-outputs", help="The target stack's outputs (pulumi stack output --json).", metavar="FILE")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the JSON report instead of the table.")]


class _Bars(reports.Progress):
    """Rich progress bars on stderr, one per resource, shown only on a terminal."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def start(self, label: str, total: int | None) -> reports.Advance:
        task = self.tasks[label] = self.progress.add_task(label, total=total)
        return lambda step: self.progress.advance(task, step)

    def finish(self, label: str) -> None:
        self.progress.update(self.tasks[label], completed=self.progress.tasks[self.tasks[label]].total)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                    console=err_console, disable=not err_console.is_terminal, transient=False)


@migrate_app.command()
@handle_errors
def copy(target: Target, source: From, destination: To, from_outputs: FromOutputs = None,
         to_outputs: ToOutputs = None,
         dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be copied; write nothing.")] = False,
         overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace data the target already holds.")] = False,
         workers: Annotated[int, typer.Option("--workers", help="Objects copied in parallel.", min=1)] = 16,
         queues: Annotated[bool, typer.Option(
             "--queues", help="Also move queued and dead-lettered messages (stop the source's consumers first).",
         )] = False,
         engine: Annotated[str, typer.Option(
             "--engine", help="stream (default): through this machine, checksummed; cloud: the target cloud's "
                              "managed transfer job for the buckets (planned here; running it needs credentials).",
         )] = "stream",
         transfer_credential: Annotated[str | None, typer.Option(
             "--transfer-credential", help="--engine cloud: what the transfer service reads the source with "
                                           "(an IAM role ARN for S3; a Secret Manager secret with a SAS token for Azure).",
         )] = None,
         as_json: AsJson = False) -> None:
    """Copy buckets, tables and secrets; resumable (a manifest under .portable/migrate)."""
    if engine not in ENGINES:
        raise UsageError(f"--engine {engine!r} is not an engine", hint=f"Choose one of: {', '.join(ENGINES)}.")
    loaded = load_target(target)
    if engine == "cloud":
        left, right = planes(loaded.stack, loaded.root, source, destination, from_outputs, to_outputs, reachable=False)
        _cloud_transfer(plan_cloud_transfer(left, right, transfer_credential), as_json)
        return
    left, right = planes(loaded.stack, loaded.root, source, destination, from_outputs, to_outputs)
    path = manifest_path(loaded.root, loaded.stack.name, source, destination)
    manifest = Manifest(path)
    try:
        with _progress() as progress:
            report = copy_stack(left, right, manifest, path.with_suffix(".bad-items.jsonl"),
                                CopyOptions(dry_run=dry_run, overwrite=overwrite, workers=workers, queues=queues), _Bars(progress))
    finally:
        manifest.close()
    _finish(report, loaded.root, as_json)


@migrate_app.command()
@handle_errors
def verify(target: Target, source: From, destination: To, from_outputs: FromOutputs = None,
           to_outputs: ToOutputs = None, as_json: AsJson = False) -> None:
    """Prove a copy: counts, bytes, checksums, item hashes, secret equality, a runtime-client sample."""
    loaded = load_target(target)
    left, right = planes(loaded.stack, loaded.root, source, destination, from_outputs, to_outputs)
    with _progress() as progress:
        report = verify_stack(left, right, _Bars(progress))
    _finish(report, loaded.root, as_json)


def _finish(report: reports.Report, root: Path, as_json: bool) -> None:
    written = report.write(root / FOLDER / f"{report.stack}-{report.source}-to-{report.target}.{report.action}.json")
    if as_json:
        console.print_json(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        console.print(_table(report))
        for outcome in report.outcomes:
            for line in [*outcome.problems, *outcome.differences][:20]:
                err_console.print(f"{outcome.kind} {outcome.name!r}: {line}", markup=False, soft_wrap=True)
        if report.bad_items:
            err_console.print(f"Items the target cannot store are in {report.bad_items}", markup=False)
        console.print(f"Report: {written}", markup=False)
    if not report.ok:
        raise typer.Exit(code=1)


def _table(report: reports.Report) -> RichTable:
    verb = "would copy" if report.dry_run else "copied"
    title = f"migrate {report.action} {report.stack!r}: {report.source} → {report.target}"
    table = RichTable(title=title, title_justify="left")
    columns = (["resource", "source", "target", verb, "skipped", "failed", "bytes", "seconds"]
               if report.action == "copy" else
               ["resource", "source", "target", "count (source/target)", "bytes (source/target)", "sampled", "differences"])
    for column in columns:
        table.add_column(column, overflow="fold")
    for o in report.outcomes:
        name = f"{o.kind} {o.name}"
        if report.action == "copy":
            table.add_row(name, o.source, o.target, str(o.copied), str(o.skipped), str(o.failed), str(o.bytes),
                          f"{o.seconds:.1f}")
        else:
            table.add_row(name, o.source, o.target, f"{o.source_count}/{o.target_count}",
                          f"{o.source_bytes}/{o.target_bytes}" if o.kind == "bucket" else "",
                          str(o.sampled), str(len(o.differences)))
    return table


CLOUD_ENGINE_NOTE = ("Planned under Pulumi mocks, nothing was created: creating the job and following it needs the "
                     "target cloud's credentials (pulumi up of this program). The streaming copy (--engine stream) "
                     "is the default; tables and secrets always stream.")


def _cloud_transfer(planned: Plan, as_json: bool) -> None:
    if as_json:
        console.print_json(json.dumps({**planned.to_dict(), "note": CLOUD_ENGINE_NOTE}, ensure_ascii=False))
        return
    console.print(plan_table(planned, title=f"migrate copy --engine cloud {planned.stack!r}: the transfer on "
                                            f"{planned.provider}"))
    console.print(CLOUD_ENGINE_NOTE, markup=False, soft_wrap=True)


@migrate_app.command()
@handle_errors
def plan(target: Target, source: From, destination: To, from_outputs: FromOutputs = None,
         to_outputs: ToOutputs = None, as_json: AsJson = False) -> None:
    """What moves where, what behaves differently on the target, how long, and the cut-over runbook."""
    loaded = load_target(target)
    left, right = planes(loaded.stack, loaded.root, source, destination, from_outputs, to_outputs, reachable=False)
    last = loaded.root / FOLDER / f"{loaded.stack.name}-{source}-to-{destination}.copy.json"
    result = plan_migration(loaded.stack, left, right, target, _throughput(last))
    if as_json:
        console.print_json(json.dumps(result.as_dict(), ensure_ascii=False))
        return
    for warning in result.warnings:
        err_console.print(f"Warning: {warning}", markup=False, soft_wrap=True)
    resources = RichTable(title=f"migrate plan {result.stack!r}: {source} → {destination}", title_justify="left")
    for column in ("resource", "source", "target", "count", "bytes"):
        resources.add_column(column, overflow="fold")
    for r in result.resources:
        resources.add_row(f"{r.kind} {r.name}", r.source, r.target, "" if r.count is None else str(r.count),
                          "" if r.bytes is None else str(r.bytes))
    console.print(resources)
    changes = RichTable(title="What behaves differently", title_justify="left")
    for column in ("kind", "what", source, destination, "what portable does"):
        changes.add_column(column, overflow="fold")
    for d in result.differences:
        changes.add_row(d.kind, d.topic, d.source, d.target, d.action)
    console.print(changes)
    costs = RichTable(title=f"Cost of the copy at list prices: ${result.cost.usd:.4f}", title_justify="left")
    for column in ("side", "resource", "what", "quantity", "price", "USD"):
        costs.add_column(column, overflow="fold")
    for line in result.cost.lines:
        costs.add_row(line.side, line.resource, line.what, f"{line.quantity:g}", line.price, f"{line.usd:.6f}")
    console.print(costs)
    for note in result.cost.notes:
        console.print(f"Cost: {note}", markup=False, soft_wrap=True)
    console.print(f"Duration: {result.duration}", markup=False)
    console.print("Runbook:", markup=False)
    for number, (step, command) in enumerate(result.runbook, start=1):
        console.print(f"  {number}. {step}: {command}", markup=False, soft_wrap=True)


def _throughput(report: Path) -> float | None:
    """Bytes per second of the last copy's buckets, if one ran."""
    try:
        resources = json.loads(report.read_text(encoding="utf-8"))["resources"]
    except (OSError, ValueError, KeyError):
        return None
    moved = sum(r["bytes"] for r in resources if r["kind"] == "bucket")
    seconds = sum(r["seconds"] for r in resources if r["kind"] == "bucket")
    return moved / seconds if moved and seconds else None
