"""``portable dev TARGET``: serve a stack on this machine with the local provider."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer

from portable.cli.app import app
from portable.cli.output import console, handle_errors, warn
from portable.errors import UsageError
from portable.loader import load_target
from portable.registry import get_provider
from portable.runtime.log import LEVELS


@app.command()
@handle_errors
def dev(
    target: Annotated[str, typer.Argument(
        help="The stack: a folder with stack.py or stack.yaml, a stack file, or module:attribute.",
        show_default=False, metavar="TARGET",
    )],
    port: Annotated[int, typer.Option(help="HTTP port (0 picks a free one).")] = 8000,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    state: Annotated[Path | None, typer.Option(help="State folder (default: <project>/.portable/state).")] = None,
    reset: Annotated[bool, typer.Option("--reset", help="Delete the local state (queues, tables, buckets) first.")] = False,
    reload: Annotated[bool, typer.Option("--reload/--no-reload", help="Reload handler code when it changes.")] = True,
    log: Annotated[str | None, typer.Option(
        help="Invocation log level of every function: off, error, info, debug (default: each function's "
             "log_level, at least info).", show_default=False)] = None,
) -> None:
    """Run the stack locally: HTTP routes, queues, topics, bucket events, schedules, tables and secrets."""
    if log is not None and log not in LEVELS:
        raise UsageError(f"--log {log!r} is not a log level", hint=f"Use one of: {', '.join(LEVELS)}.")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):  # also where a shell started us with SIGINT ignored
        signal.signal(signum, lambda *_: stop.set())
    loaded = load_target(target)
    stack, root = loaded.stack, loaded.root
    runner = get_provider("local").runner()
    state_dir = runner.state_dir(root, state)
    if reset:
        runner.reset(state_dir)
        console.print(f"Cleared the local state in {state_dir}", soft_wrap=True)
    log_file = None
    if console.is_terminal:  # the live table shows invocations; their JSON lines go to a file
        (root / ".portable").mkdir(parents=True, exist_ok=True)
        log_file = (root / ".portable" / "dev.log").open("a", encoding="utf-8", buffering=1)
    local = runner.open(stack, root, state_dir, log=log, log_stream=log_file or sys.stderr)
    local.start(serve=True, host=host, port=port, watch=reload)

    url = local.url
    console.print(f"[bold]portable dev[/]: stack [bold]{stack.name!r}[/] ({loaded.origin}) on the local provider, "
                  f"state in {state_dir}", soft_wrap=True)
    for line in runner.banner(local, url):
        console.print(line, soft_wrap=True)
    console.print("Try:")
    for curl in runner.sample_curls(local, url):
        console.print(f"  {curl}", markup=False, soft_wrap=True)
    for warning in runner.startup_warnings(local, host):
        warn(warning)
    if reload:
        console.print("Reloading handler code on change in " + ", ".join(str(s) for s in local.sources), soft_wrap=True)
    if log_file is not None:
        console.print(f"Invocation log: {log_file.name}. Type 'help' for commands; Ctrl+C stops.", soft_wrap=True)

    view = runner.console(local, console, stop)
    local.feed.subscribe(view.on_invocation)
    local.feed.subscribe_dead_letters(view.on_dead_letter)
    try:
        view.run()
    finally:
        local.close()
        if log_file is not None:
            log_file.close()
    console.print("Stopped. Queued messages and data are kept in the state folder.")
