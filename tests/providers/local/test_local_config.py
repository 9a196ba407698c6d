"""The local "deploy": configurations, links and subscriptions derived from the model."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from portable.loader import load_target
from portable.model import Schedule
from portable.registry import get_provider
from providers.local import config
from providers.local.scheduler import next_time

ROOT = Path(__file__).resolve().parents[3]


def _orders():  # type: ignore[no-untyped-def]
    return load_target(str(ROOT / "examples" / "orders")).stack


def test_the_registry_finds_the_local_provider() -> None:
    provider = get_provider("local")
    assert (provider.name, provider.title, provider.extra) == ("local", "Local", None)
    assert provider.limits() is not None


def test_links_carry_what_the_local_clients_need(tmp_path: Path) -> None:
    stack = _orders()
    state = tmp_path / "state"
    worker = config.function_config(stack, stack.get_function("receipt-worker"), tmp_path, state)
    links = json.loads(worker["PORTABLE_LINKS"])
    assert worker["PORTABLE_PROVIDER"] == "local" and worker["PORTABLE_HANDLER"] == "orders.worker:handle"
    assert links["receipts"] == {
        "kind": "bucket", "access": "write", "id": f"{state}/buckets/receipts", "state": str(state),
        "notify": [{"queue": "object:receipts:receipt-indexer", "events": ["created"], "prefix": "receipts/",
                    "suffix": ".json"}],
    }
    assert links["orders"]["key"] == "order_id" and links["orders"]["sort_key"] is None
    assert links["receipt-signing-key"]["env"] == "PORTABLE_SECRET_RECEIPT_SIGNING_KEY"
    assert links["receipt-signing-key"]["file"] == str(tmp_path / ".portable" / "secrets.env")
    assert links["receipt-jobs"]["access"] == "trigger"  # its trigger's source, listed too
    indexer = json.loads(config.function_config(stack, stack.get_function("receipt-indexer"), tmp_path, state)["PORTABLE_LINKS"])
    assert indexer["order-events"]["subscribers"] == ["topic:order-events:audit-log"]
    api = config.function_config(stack, stack.get_function("api"), tmp_path, state)
    assert json.loads(api["PORTABLE_ROUTES"]) == [["POST", "/orders"], ["GET", "/orders/{order_id}"]]


def test_locally_functions_log_every_invocation_unless_told_otherwise(tmp_path: Path) -> None:
    stack = _orders()
    levels = {}
    for level in ("error", "debug"):
        function = stack.get_function("api").model_copy(update={"log_level": level})
        levels[level] = config.function_config(stack, function, tmp_path, tmp_path)["PORTABLE_LOG"]
    quiet = config.function_config(stack, stack.get_function("api"), tmp_path, tmp_path, log="off")["PORTABLE_LOG"]
    assert (levels, quiet) == ({"error": "info", "debug": "debug"}, "off")


def test_each_trigger_gets_its_own_engine_queue() -> None:
    found = {(s.function, s.kind, s.queue, s.batch_size, s.visibility_timeout, s.max_receives)
             for s in config.subscriptions(_orders())}
    assert found == {
        ("receipt-worker", "queue", "receipt-jobs", 10, 360.0, 5),  # 6 x its 60 s timeout, as on the clouds
        ("receipt-indexer", "object", "object:receipts:receipt-indexer", 10, 35.0, 5),
        ("audit-log", "topic", "topic:order-events:audit-log", 10, 35.0, 5),
    }


def test_cron_schedules_follow_their_time_zone_across_daylight_saving() -> None:
    paris = Schedule.cron("30 2 * * *", timezone="Europe/Paris")
    winter = next_time(paris, datetime(2024, 1, 10, 12, tzinfo=UTC))
    summer = next_time(paris, datetime(2024, 7, 10, 12, tzinfo=UTC))
    assert (winter.hour, winter.minute, summer.hour) == (1, 30, 0)
    weekly = next_time(Schedule.cron("0 9 * * mon"), datetime(2024, 7, 10, 12, tzinfo=UTC))  # a Wednesday
    assert weekly == datetime(2024, 7, 15, 9, tzinfo=UTC)
    assert next_time(Schedule.every(1, "hour"), datetime(2024, 7, 10, 12, 5, tzinfo=UTC)) == datetime(2024, 7, 10, 13, tzinfo=UTC)
