"""``portable schema [--output FILE]``: the JSON Schema of a stack file, for editors and CI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from portable.cli.app import app
from portable.cli.output import console, handle_errors
from portable.errors import PortableError
from portable.model import json_schema


@app.command()
@handle_errors
def schema(
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the schema to this file instead of standard output.", dir_okay=False,
    )] = None,
) -> None:
    """Print the JSON Schema that stack.yaml and stack.json files follow."""
    text = json.dumps(json_schema(), indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise PortableError(f"Cannot write the schema to {str(output)!r}: {error.strerror or error}") from None
    console.print(f"Wrote the stack JSON Schema to {output}", soft_wrap=True, markup=False)
