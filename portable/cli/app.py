"""The typer application every command registers on."""

from __future__ import annotations

from difflib import get_close_matches

import click
import typer
from typer.core import TyperGroup

NOT_OURS = {
    "deploy": ("portable does not deploy: Pulumi does",
               "Run 'pulumi up' in the folder with Pulumi.yaml; 'portable plan TARGET --provider P' shows "
               "what it would create."),
    "destroy": ("portable does not destroy stacks: Pulumi does", "Run 'pulumi destroy' in the folder with Pulumi.yaml."),
}
"""Commands a user may expect that belong to Pulumi: (message, hint)."""


class Commands(TyperGroup):
    """The command group; an unknown command is answered with the commands there are."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            from portable.cli.output import error

            commands = sorted(self.list_commands(ctx))
            message, hint = NOT_OURS.get(name, (None, None))
            if message is None:
                close = get_close_matches(name, commands, n=1)
                guess = f" (did you mean {close[0]!r}?)" if close else ""
                message = f"Unknown command {name!r}{guess}"
                hint = "Run 'portable COMMAND --help' for what one command does."
            error(f"{message}. The commands are: {', '.join(commands)}.", hint)
            raise typer.Exit(code=2)
        return super().resolve_command(ctx, args)


app = typer.Typer(
    name="portable",
    help="Declare a serverless application once; run it locally or deploy it to AWS, Azure or Google Cloud.",
    cls=Commands,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
