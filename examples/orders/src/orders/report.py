"""Nightly report: counts receipts and writes a summary object."""

import json

from portable.runtime import Context, ScheduleEvent, bucket


def run(event: ScheduleEvent, ctx: Context) -> None:
    receipts = bucket("receipts")
    keys = receipts.list(prefix="receipts/")
    day = event.time.date().isoformat()
    summary = {"day": day, "receipts": len(keys)}
    receipts.put(f"reports/{day}.json", json.dumps(summary).encode(), content_type="application/json")
