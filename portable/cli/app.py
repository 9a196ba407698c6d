"""The typer application every command registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="portable",
    help="Declare a serverless application once; run it locally or deploy it to AWS, Azure or Google Cloud.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
