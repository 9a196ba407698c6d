"""What ``portable dev`` shows: the served URLs and triggers, then invocations as they happen.

On a terminal, a live table of the recent invocations (and a line per failure above it); elsewhere
the invocation JSON lines themselves. Typed commands: ``run <schedule>``, ``reload``, ``help``, ``quit``.
"""

from __future__ import annotations

import shlex
import threading
import time
from collections import deque
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from portable.model import ObjectTrigger
from providers.local.contract import ADMIN_PREFIX
from providers.local.feed import Invocation
from providers.local.queues import DeadLetter
from providers.local.scheduler import next_time

if TYPE_CHECKING:
    from providers.local.stack import LocalStack

PRIVATE_MARK = "(private: not authenticated locally)"
HELP = "Commands: run <schedule> (run a schedule now), reload (reload handler code), help, quit"


def banner(local: LocalStack, base_url: str) -> list[str]:
    """The lines that tell what is served where (rich markup)."""
    stack = local.stack
    lines = []
    for function in stack.functions:
        for t in function.http_triggers:
            private = "" if t.public else f"  [yellow]{PRIVATE_MARK}[/]"
            lines.append(f"  [bold]{t.method:<6}[/] {base_url}{t.path}  [dim]-> {function.name}[/]{private}")
    for sub in local.subscriptions:
        what = {"queue": "queue", "topic": "topic", "object": "bucket"}[sub.kind]
        detail = ""
        if sub.kind == "object":
            model = stack.get_function(sub.function)
            filters = [t for t in (model.triggers if model else ()) if isinstance(t, ObjectTrigger) and t.bucket == sub.source]
            detail = " " + ", ".join(f"({'/'.join(t.events)} {t.prefix}*{t.suffix})" for t in filters)
        lines.append(f"  {what} [bold]{sub.source}[/]{detail}  [dim]-> {sub.function}[/]")
    now = datetime.now(UTC)
    for entry in local.schedules:
        upcoming = next_time(entry.schedule, now).astimezone()
        lines.append(
            f"  schedule [bold]{entry.name}[/] ({entry.schedule.expression} {entry.schedule.timezone}, "
            f"next {upcoming:%Y-%m-%d %H:%M %Z})  [dim]-> {entry.function}[/]"
        )
    lines.append(f"  [bold]dashboard[/] {base_url}{ADMIN_PREFIX}")
    return lines


def startup_warnings(local: LocalStack, host: str) -> list[str]:
    """What ``portable dev`` warns about as it starts: missing and loosely kept secrets, a server that
    other machines can reach."""
    from providers.local.config import missing_secrets
    from providers.local.contract import SECRETS_FILE, secret_env
    from providers.local.guard import is_loopback
    from providers.local.project import loose_secrets_warning

    found = [
        f"secret {name!r} has no local value; functions reading it wait until it is set. "
        f"Set it with `export {secret_env(name)}=...` or add that line to {local.root / SECRETS_FILE}"
        for name in missing_secrets(local.stack, local.root)
    ]
    loose = loose_secrets_warning(local.root)
    if loose is not None:
        found.append(loose)
    if not is_loopback(host):
        found.append(f"listening on {host}: other machines can reach this server, and private routes and the "
                     f"admin endpoints are not authenticated locally")
    return found


def sample_curls(local: LocalStack, base_url: str) -> list[str]:
    """A curl command for the first HTTP route, and for running the first schedule on demand."""
    curls = []
    routes = [t for f in local.stack.functions for t in f.http_triggers]
    if routes:
        route = next((t for t in routes if t.method in ("POST", "PUT", "PATCH")), routes[0])
        method = "GET" if route.method in ("ANY", "HEAD") else route.method
        path = route.path.replace("{", "<").replace("+}", ">").replace("}", ">")
        data = " -H 'content-type: application/json' -d '{}'" if method in ("POST", "PUT", "PATCH") else ""
        curls.append(f"curl -i -X {method} {base_url}{path}{data}")
    if local.schedules:
        curls.append(f"curl -X POST {base_url}{ADMIN_PREFIX}schedules/{local.schedules[0].name}")
    return curls


def dead_letter_notice(letter: DeadLetter) -> str:
    """The console line for a message that went to the dead letters."""
    return (f"✗ dead-lettered: queue {letter.queue}, message {letter.id}, received {letter.receives} times, "
            f"last error: {letter.error}. See `portable dead-letters TARGET {letter.queue}`")


class DevConsole:
    """Shows invocations of ``local`` on ``console`` and runs typed commands until ``stop`` is set."""

    def __init__(self, local: LocalStack, console: Console, stop: threading.Event, rows: int = 15) -> None:
        self.local = local
        self.console = console
        self.stop = stop
        self.live = console.is_terminal
        self._rows: deque[Invocation] = deque(maxlen=rows)
        self._counts = {"ok": 0, "failed": 0}
        self._changed = threading.Event()

    def on_invocation(self, invocation: Invocation) -> None:
        self._rows.append(invocation)
        self._counts["ok" if invocation.ok else "failed"] += 1
        if self.live and not invocation.ok:
            self.console.print(
                f"[red]✗ {invocation.function}[/] {invocation.trigger} {invocation.outcome}: "
                f"{invocation.fields.get('error', '')}  [dim]trace {invocation.trace_id}[/]",
                highlight=False,
            )
        self._changed.set()

    def on_dead_letter(self, letter: DeadLetter) -> None:
        self.console.print(dead_letter_notice(letter), highlight=False, markup=False, soft_wrap=True)

    def table(self) -> Table:
        table = Table(
            title=f"invocations: {self._counts['ok']} ok, {self._counts['failed']} failed", title_justify="left",
            expand=False, box=None, header_style="bold",
        )
        for column in ("time", "function", "trigger", "outcome", "ms", "cold", "trace", "detail"):
            table.add_column(column, no_wrap=column != "detail", overflow="ellipsis", max_width=60 if column == "detail" else None)
        for i in list(self._rows):
            style = "green" if i.ok else "red"
            table.add_row(
                time.strftime("%H:%M:%S", time.localtime(i.at)), i.function, i.trigger,
                Text(i.outcome, style=style), f"{i.duration_ms:.1f}", "yes" if i.cold_start else "",
                i.trace_id[:8], i.detail.split("\n", 1)[0],
            )
        return table

    def run(self) -> None:
        """Block until ``stop``: refresh the table (on a terminal) and read commands from stdin."""
        threading.Thread(target=self._read_commands, name="portable-console", daemon=True).start()
        if not self.live:
            self.stop.wait()
            return
        with Live(Group(self.table()), console=self.console, auto_refresh=False, redirect_stderr=True,
                  redirect_stdout=True, transient=False) as live:
            while not self.stop.is_set():
                if self._changed.wait(0.25):
                    self._changed.clear()
                    live.update(Group(self.table()), refresh=True)

    def _read_commands(self) -> None:
        import sys

        for line in sys.stdin:
            if self.stop.is_set():
                return
            if self.live:  # the terminal echoed the line below the table: go back up so the table stays put
                self.console.file.write("\x1b[1A\x1b[2K")
            reply = self.command(line)
            if reply:
                self.console.print(reply, highlight=False)

    def command(self, line: str) -> str:
        """Run one typed command; returns what to print."""
        try:
            words = shlex.split(line)
        except ValueError:
            words = line.split()
        if not words:
            return ""
        verb, args = words[0].lower(), words[1:]
        if verb in ("quit", "exit", "q"):
            self.stop.set()
            return "Stopping."
        if verb == "reload":
            self.local.reload()
            return "Handler code will be re-imported on the next invocation."
        if verb in ("run", "r") and len(args) == 1:
            try:
                self.local.run_schedule(args[0])
            except Exception as error:
                return f"[red]Schedule {args[0]!r} failed:[/] {error}"
            return f"Schedule {args[0]!r} ran."
        return HELP
