"""``portable plan TARGET --provider P [--json]``: the resources a deploy would create, computed under
Pulumi mocks (no credentials, no Pulumi CLI)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.text import Text

from portable.cli.app import app
from portable.cli.output import console, err_console, handle_errors, warn, warnings


@app.command()
@handle_errors
def plan(
    target: Annotated[str, typer.Argument(
        help="The stack: a folder with stack.py or stack.yaml, a stack file, or module:attribute.",
        show_default=False,
    )],
    provider: Annotated[str, typer.Option(
        "--provider", "-p", help="The cloud to plan for: aws, azure or gcp.", show_default=False,
    )],
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON (for tools).")] = False,
) -> None:
    """Show every resource a deploy would create, with its type, name and key inputs.

    The stack's Pulumi config is read from Pulumi.<provider>.yaml in its Pulumi project (the nearest
    folder holding Pulumi.yaml, from the stack's folder upward), if there is one.
    """
    from portable.loader import load_target
    from portable.plan import plan_stack
    from portable.plan.render import to_json, to_table

    loaded = load_target(target)
    warnings(loaded.warnings())
    with err_console.status(f"Planning stack {loaded.stack.name!r} on {provider}..."):
        result = plan_stack(loaded.stack, provider, loaded.root, project=loaded.project)
    if as_json:
        sys.stdout.write(to_json(result) + "\n")
        return
    console.print(to_table(result))
    for name, value in result.outputs.items():
        console.print(Text.assemble((name, "bold"), ": ", json.dumps(value)), soft_wrap=True)
    for note in result.notes:
        warn(note)
