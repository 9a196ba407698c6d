"""What ``portable dev`` prints: the served routes and triggers, sample curls, the live table, commands."""

from __future__ import annotations

import io
import threading
from pathlib import Path

from rich.console import Console

from portable.loader import load_target
from providers.local.console import DevConsole, banner, sample_curls
from providers.local.stack import LocalStack

ROOT = Path(__file__).resolve().parents[3]


def _orders(tmp_path: Path) -> LocalStack:
    loaded = load_target(str(ROOT / "examples" / "orders"))
    return LocalStack(loaded.stack, loaded.root, tmp_path / "state", log_stream=None)


def test_the_banner_names_every_route_and_trigger(tmp_path: Path) -> None:
    with _orders(tmp_path) as local:
        lines = banner(local, "http://127.0.0.1:8000")
        curls = sample_curls(local, "http://127.0.0.1:8000")
    plain = [Console(file=io.StringIO()).render_str(line).plain for line in lines]
    assert plain[:5] == [
        "  POST   http://127.0.0.1:8000/orders  -> api",
        "  GET    http://127.0.0.1:8000/orders/{order_id}  -> api",
        "  queue receipt-jobs  -> receipt-worker",
        "  bucket receipts (created receipts/*.json)  -> receipt-indexer",
        "  topic order-events  -> audit-log",
    ]
    assert plain[5].startswith("  schedule nightly-report (") and "-> nightly-report" in plain[5]
    assert curls == [
        "curl -i -X POST http://127.0.0.1:8000/orders -H 'content-type: application/json' -d '{}'",
        "curl -X POST http://127.0.0.1:8000/_portable/schedules/nightly-report",
    ]


def test_invocations_fill_the_table_and_commands_run(tmp_path: Path) -> None:
    with _orders(tmp_path) as local:
        out = io.StringIO()
        stop = threading.Event()
        view = DevConsole(local, Console(file=out, width=200), stop)
        local.feed.subscribe(view.on_invocation)
        assert local.http("GET", "/orders/nope").status == 404
        assert view.command("run nightly-report") == "Schedule 'nightly-report' ran."
        assert view.command("run weekly").startswith("[red]Schedule 'weekly' failed:[/] Stack 'orders' has no schedule")
        assert view.command("what").startswith("Commands: run <schedule>")
        assert view.command("quit") == "Stopping." and stop.is_set()
        Console(file=out, width=200).print(view.table())
    table = out.getvalue()
    assert "invocations: 2 ok, 0 failed" in table
    assert "api" in table and "404" in table and "nightly-report" in table
