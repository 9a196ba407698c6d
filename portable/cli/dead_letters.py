"""``portable dead-letters TARGET [QUEUE] [ACTION] [IDS]...``: list, show, redrive and purge local dead letters.

Works on the state folder whether or not ``portable dev`` is running.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from portable.cli.app import app
from portable.cli.output import console, handle_errors
from portable.errors import UsageError
from portable.loader import load_target
from portable.registry import get_provider

if TYPE_CHECKING:
    from providers.local.dead_letters import DeadLetterDesk

ACTIONS = ("list", "show", "redrive", "purge")


@app.command("dead-letters")
@handle_errors
def dead_letters(
    target: Annotated[str, typer.Argument(
        help="The stack: a folder with stack.py or stack.yaml, a stack file, or module:attribute.",
        show_default=False, metavar="TARGET",
    )],
    queue: Annotated[str | None, typer.Argument(
        help="A queue (topic:<topic>:<function> or object:<bucket>:<function> for events); "
             "without it, every queue with its count.", show_default=False)] = None,
    action: Annotated[str, typer.Argument(help="list, show, redrive or purge.")] = "list",
    ids: Annotated[list[str] | None, typer.Argument(help="Message ids (show, redrive, purge).", show_default=False)] = None,
    everything: Annotated[bool, typer.Option("--all", help="Redrive or purge every dead letter of the queue.")] = False,
    to: Annotated[str | None, typer.Option(help="Redrive onto this queue instead.", show_default=False)] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Purge without asking.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for tools.")] = False,
    state: Annotated[Path | None, typer.Option(help="State folder (default: <project>/.portable/state).")] = None,
) -> None:
    """See and act on the messages that ended in the dead letters of `portable dev`."""
    if action not in ACTIONS:
        raise UsageError(f"Action {action!r} is not one of: {', '.join(ACTIONS)}")
    loaded = load_target(target)
    runner = get_provider("local").runner()
    with runner.dead_letters(loaded.stack, runner.state_dir(loaded.root, state)) as desk:
        if queue is None:
            _summaries(desk, as_json)
        elif action == "list":
            _listing(desk, queue, as_json)
        elif action == "show":
            if not ids:
                raise UsageError("Say which dead letters to show: their message ids")
            _show(desk, queue, ids, as_json)
        elif action == "redrive":
            moved = desk.redrive(queue, ids, everything=everything, to=to)
            _done(as_json, {"redriven": moved, "to": to or queue}, f"Redrove {moved} message(s) onto {to or queue}.")
        else:
            if not yes:
                count = "every" if everything else str(len(ids or ()))
                typer.confirm(f"Delete {count} dead letter(s) of {queue} for good?", abort=True, err=True)
            purged = desk.purge(queue, ids, everything=everything)
            _done(as_json, {"purged": purged}, f"Deleted {purged} dead letter(s) of {queue}.")


def _summaries(desk: DeadLetterDesk, as_json: bool) -> None:
    rows = desk.summaries()
    if as_json:
        console.print_json(json.dumps([asdict(r) for r in rows]))
        return
    table = Table(box=None, header_style="bold")
    for column in ("queue", "feeds", "dead letters"):
        table.add_column(column)
    for r in rows:
        table.add_row(r.queue, f"{r.function} ({r.kind} {r.source})", str(r.dead_letters))
    console.print(table)


def _listing(desk: DeadLetterDesk, queue: str, as_json: bool) -> None:
    letters = desk.letters(queue)
    if as_json:
        console.print_json(json.dumps([desk.as_json(letter) for letter in letters]))
        return
    if not letters:
        console.print(f"No dead letters in {queue}.")
        return
    console.print(f"{len(letters)} dead letter(s) in {queue}, oldest first:")
    for letter in letters:
        died = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(letter.died_at))
        attributes = " ".join(f"{k}={v}" for k, v in letter.attributes.items()) or "-"
        console.print(f"{letter.id}  attempts {letter.receives}  died {died}  last error: {letter.error or '-'}  "
                      f"attributes: {attributes}  body: {desk.preview(letter.body)}", markup=False, soft_wrap=True)


def _show(desk: DeadLetterDesk, queue: str, ids: list[str], as_json: bool) -> None:
    letters = [desk.as_json(letter) for letter in desk.letters(queue, ids)]
    if as_json:
        console.print_json(json.dumps(letters))
        return
    for letter in letters:
        for name in ("id", "queue", "receives", "error", "sent_at", "died_at"):
            console.print(f"{name}: {letter[name]}", markup=False, soft_wrap=True)
        console.print("attributes: " + json.dumps(letter["attributes"]), markup=False, soft_wrap=True)
        console.print("body" + (" (base64)" if letter["base64_body"] else "") + ":", markup=False)
        console.print(letter["body"], markup=False, soft_wrap=True, highlight=False)
        console.print()


def _done(as_json: bool, data: dict[str, object], text: str) -> None:
    if as_json:
        console.print_json(json.dumps(data))
    else:
        console.print(text, markup=False)
