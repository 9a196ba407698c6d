"""The dashboard in a real headless browser (Debian's chromium driven by Playwright) against
``portable dev examples/orders``: every page loads without a script error; an order created from the
HTTP explorer shows up live in the invocations and as a trace; a poison message sent from the queue
page ends in the dead letters and is redriven from there; an upload fires the object trigger.

Set ``PORTABLE_SCREENSHOTS=1`` to (re)write the screenshots in docs/screenshots/.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "orders"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = ROOT / "docs" / "screenshots"
PAGES = {"": "Stack orders", "invocations": "Invocations", "queues": "Queues", "queues/receipt-jobs": "Queue receipt-jobs",
         "buckets": "Buckets", "buckets/receipts": "Bucket receipts", "tables": "Tables", "tables/orders": "Table orders",
         "schedules": "Schedules", "secrets": "Secrets", "http": "HTTP explorer"}


def _browser_available() -> None:
    missing = [what for what, ok in (("chromium", Path(CHROMIUM).exists()), ("playwright", _has_playwright())) if not ok]
    if missing:
        reason = f"{' and '.join(missing)} not installed (apt-get install -y chromium; pip install playwright)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser test must run in CI: {reason}")
        pytest.skip(reason)


def _has_playwright() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture
def dev(tmp_path: Path) -> Iterator[str]:
    env = {**os.environ, "PORTABLE_SECRET_RECEIPT_SIGNING_KEY": "browser-key", "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": str(ROOT)}
    portable = Path(sys.executable).parent / "portable"
    process = subprocess.Popen(
        [str(portable), "dev", str(EXAMPLE), "--port", "0", "--state", str(tmp_path / "state"), "--no-reload"],
        cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    lines: list[str] = []

    def collect() -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            lines.append(line)

    threading.Thread(target=collect, daemon=True).start()
    try:
        deadline = time.monotonic() + 30
        while not (found := [m for line in lines if (m := re.search(r"dashboard (http://127\.0\.0\.1:\d+/_portable/)", line))]):
            assert time.monotonic() < deadline and process.poll() is None, "".join(lines)
            time.sleep(0.05)
        yield found[0].group(1)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(20)


def _shot(page: Any, name: str) -> None:
    if os.environ.get("PORTABLE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _rows(page: Any, selector: str) -> list[str]:
    return [text for text in page.locator(f"{selector} tr").all_inner_texts()]


def test_the_dashboard_in_a_browser(dev: str) -> None:
    _browser_available()
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

            for path, title in PAGES.items():
                page.goto(dev + path)
                expect(page.locator("h1")).to_have_text(title)
            assert page.locator("form.explorer").count() == 2  # the http page, last
            page.goto(dev)
            assert page.locator("#stack-picture rect").count() == 5  # the five functions
            page.goto(dev + "secrets")
            assert _rows(page, "#secrets") == ["receipt-signing-key\tyes\tenvironment variable "
                                               "PORTABLE_SECRET_RECEIPT_SIGNING_KEY"]

            live = browser.new_page(viewport={"width": 1280, "height": 800})
            live.goto(dev + "invocations")
            page.goto(dev + "http")
            explorer = page.locator("form.explorer", has=page.locator("option", has_text="POST"))
            explorer.locator("textarea").fill(json.dumps({"customer": "ada", "items": [{"sku": "lamp", "price": 12.5}]}))
            explorer.locator("button").click()
            expect(explorer.locator("pre")).to_contain_text("201 Created")
            order = json.loads(explorer.locator("pre").inner_text().split("\n\n", 1)[1])
            _shot(page, "http-explorer")

            for function in ("api", "receipt-worker", "receipt-indexer", "audit-log"):  # live, by server-sent events
                expect(live.locator("#invocations tr", has_text=function).first).to_be_visible(timeout=20000)
            _shot(live, "invocations")
            live.locator("#invocations tr", has_text="api").first.locator("a").click()
            expect(live.locator("h1")).to_contain_text("Trace ")
            timeline = _rows(live, "#trace")
            assert [row.split("\t")[1] for row in timeline] == ["api", "receipt-worker", "receipt-indexer", "audit-log"]
            _shot(live, "trace")

            page.goto(dev + "tables/orders?partition=" + order["order_id"])
            expect(page.locator("#items")).to_contain_text(order["order_id"])
            page.goto(dev + "buckets/receipts?prefix=receipts/")
            expect(page.locator("#keys")).to_contain_text(f"receipts/{order['order_id']}.json")

            page.goto(dev + "queues/receipt-jobs")
            page.locator("textarea[name=body]").fill('{"order_id": "ghost"}')
            page.locator("#send").click()
            deadline = time.monotonic() + 30  # five receives with the default backoff: about 8 s
            while page.locator("#dead-letters tr").count() == 0:
                assert time.monotonic() < deadline, "the poison message never reached the dead letters"
                time.sleep(0.5)
                page.reload()
            [letter] = _rows(page, "#dead-letters")
            assert "\t5\tLookupError: order ghost not found\t" in letter and '{"order_id": "ghost"}' in letter
            _shot(page, "dead-letters")
            page.locator("#dead-letters button", has_text="redrive").click()
            page.wait_for_load_state("load")
            expect(page.locator("#dead-letters tr")).to_have_count(0)
            stats = _rows(page, "#stats")[0].split("\t")
            assert sum(int(n) for n in stats[:3]) == 1 and stats[3] == "0"  # back on the queue, being retried
            live.goto(dev + "invocations")
            expect(live.locator("#invocations tr", has_text="LookupError").first).to_be_visible(timeout=10000)

            page.goto(dev + "buckets/receipts")
            page.locator("#upload input[type=file]").set_input_files(
                files=[{"name": "manual.json", "mimeType": "application/json", "buffer": b'{"n": 1}'}])
            page.locator("#upload input[name=key]").fill("receipts/manual.json")
            page.locator("#upload button").click()
            expect(page.locator("#keys")).to_contain_text("receipts/manual.json")
            live.goto(dev + "invocations")
            expect(live.locator("#invocations tr", has_text="receipts/manual.json").first).to_be_visible(timeout=10000)

            page.goto(dev)
            _shot(page, "stack")
            page.goto(dev + "queues")
            _shot(page, "queues")
            assert errors == []
        finally:
            browser.close()

