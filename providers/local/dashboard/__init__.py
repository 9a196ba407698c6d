"""The ``portable dev`` dashboard: server-rendered pages under ``/_portable/`` with a little JavaScript.

Pages: the stack as a picture, live invocations (server-sent events), one trace as a timeline,
queues (depth, in flight, delayed, dead letters; redrive, purge, send), buckets (browse, download,
upload that fires the object triggers), tables (query by partition and sort-key prefix, view an
item), schedules (next run, run now), secrets (set or not and from where, never the values) and an
HTTP explorer for the routes, private ones marked. Everything it shows comes from the state folder
or the process's invocation feed, so a restart of ``portable dev`` keeps the state view. The admin
guard (:mod:`providers.local.guard`) has checked Host and Origin before a request gets here.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from portable.errors import PortableError
from portable.runtime.http import HttpRequest, HttpResponse
from providers.local.buckets import BadObjectKey, NoSuchKey
from providers.local.dashboard import assets, pages
from providers.local.tables import TableSchema

if TYPE_CHECKING:
    from providers.local.stack import LocalStack

EVENT_WAIT = 10.0
"""Seconds an event-stream request waits for news before it ends (the browser then reconnects)."""

_HTML = {"content-type": "text/html; charset=utf-8"}


class Dashboard:
    """Answers the dashboard's pages and actions for ``local``."""

    def __init__(self, local: LocalStack) -> None:
        self.local = local

    def handle(self, request: HttpRequest, path: str) -> HttpResponse | None:
        """The answer to ``path`` (below ``/_portable/``), or None if it is no dashboard path."""
        parts = [unquote(p) for p in path.split("/")] if path else [""]
        query = dict(request.query.multi_items())
        try:
            return self._route(request, parts, query)
        except (PortableError, BadObjectKey, ValueError) as error:
            return HttpResponse.json({"error": str(error)}, 400)
        except NoSuchKey as error:
            return HttpResponse.json({"error": str(error)}, 404)

    def _route(self, request: HttpRequest, parts: list[str], query: dict[str, str]) -> HttpResponse | None:
        local, method = self.local, request.method
        head, rest = parts[0], parts[1:]
        if method == "GET" and head == "assets" and rest in (["style.css"], ["app.js"]):
            kind = "text/css" if rest[0].endswith(".css") else "text/javascript"
            return HttpResponse(assets.CSS if kind == "text/css" else assets.JS,
                                headers={"content-type": f"{kind}; charset=utf-8", "cache-control": "no-cache"})
        if method == "GET" and head == "events" and not rest:
            return self._events(request, query)
        if method == "GET":
            html = self._page(head, rest, query)
            if html is not None:
                return HttpResponse(html, headers=_HTML)
        if head == "queues" and len(rest) == 2 and method == "POST":
            return self._queue_action(rest[0], rest[1], request)
        if head == "buckets" and rest[1:] == ["object"] and method == "PUT":
            with local.admin():
                from portable.runtime import bucket

                bucket(rest[0]).put(query.get("key", ""), request.body)
            return HttpResponse.json({"bucket": rest[0], "key": query.get("key", ""), "size": len(request.body)}, 201)
        return None

    def _page(self, head: str, rest: list[str], query: dict[str, str]) -> str | HttpResponse | None:
        local = self.local
        if head == "" and not rest:
            return pages.stack_page(local)
        if head == "invocations" and not rest:
            return pages.invocations_page(local)
        if head == "traces" and len(rest) == 1:
            return pages.trace_page(local, rest[0])
        if head == "queues":
            if not rest:
                return pages.queues_page(local)
            if len(rest) == 1 and rest[0] in {s.queue for s in local.subscriptions}:
                return pages.queue_page(local, rest[0])
        if head == "buckets":
            if not rest:
                return pages.buckets_page(local)
            if len(rest) == 1 and local.stack.resource("bucket", rest[0]) is not None:
                prefix = query.get("prefix", "")
                return pages.bucket_page(local, rest[0], prefix, local.state.buckets.list(rest[0], prefix))
            if rest[1:] == ["object"] and local.stack.resource("bucket", rest[0]) is not None:
                data = local.state.buckets.get(rest[0], query.get("key", ""))
                name = query.get("key", "").rsplit("/", 1)[-1].replace('"', "")
                return HttpResponse(data, headers={"content-type": "application/octet-stream",  # type: ignore[return-value]
                                                   "content-disposition": f'attachment; filename="{name}"'})
        if head == "tables":
            if not rest:
                return pages.tables_page(local)
            return self._table(rest, query)
        if head == "schedules" and not rest:
            return pages.schedules_page(local)
        if head == "secrets" and not rest:
            return pages.secrets_page(local)
        if head == "http" and not rest:
            return pages.http_page(local)
        return None

    def _table(self, rest: list[str], query: dict[str, str]) -> str | None:
        local = self.local
        model = local.stack.resource("table", rest[0])
        if model is None or len(rest) > 2:
            return None
        key, sort_key = getattr(model, "key", "id"), getattr(model, "sort_key", None)
        schema = TableSchema(rest[0], key, sort_key, getattr(model, "ttl_attribute", None))
        if rest[1:] == ["item"]:
            return pages.item_page(local, rest[0], local.state.tables.get(schema, json.loads(query.get("key", "{}"))))
        partition, prefix = query.get("partition", ""), query.get("prefix", "")
        if partition:
            items = local.state.tables.query(schema, _number_or_text(partition), sort_prefix=prefix or None)
        else:
            items = local.state.tables.scan(schema)[:200]
        return pages.table_page(local, rest[0], key, sort_key, partition, prefix, items)

    def _queue_action(self, queue: str, action: str, request: HttpRequest) -> HttpResponse | None:
        from providers.local.dead_letters import DeadLetterDesk

        queues = self.local.state.queues
        if queue not in {s.queue for s in self.local.subscriptions}:
            return HttpResponse.json({"error": f"no queue {queue!r} feeds a function"}, 404)
        if action == "send":
            return HttpResponse.json({"id": queues.send(queue, request.body)}, 201)
        if action not in ("redrive", "purge"):
            return None
        choice: dict[str, Any] = json.loads(request.body or b"{}")
        ids, everything = choice.get("ids"), bool(choice.get("all"))
        desk = DeadLetterDesk(self.local.stack, store=queues)
        if action == "redrive":
            return HttpResponse.json({"redriven": desk.redrive(queue, ids, everything=everything, to=choice.get("to"))})
        return HttpResponse.json({"purged": desk.purge(queue, ids, everything=everything)})

    def _events(self, request: HttpRequest, query: dict[str, str]) -> HttpResponse:
        """Server-sent events since ``Last-Event-ID`` (or ``?after=``): the response ends after a batch or
        ``EVENT_WAIT`` seconds, and the browser's EventSource reconnects ``retry`` ms later."""
        last = request.headers.get("last-event-id") or query.get("after") or "0"
        after = int(last) if last.isdigit() else 0
        lines = ["retry: 200\n"]
        for seq, kind, data in self.local.feed.events_after(after, wait=EVENT_WAIT):
            lines.append(f"id: {seq}\nevent: {kind}\ndata: {data}\n\n")
        return HttpResponse("".join(lines) + "\n", headers={"content-type": "text/event-stream", "cache-control": "no-cache"})


def _number_or_text(value: str) -> Any:
    try:
        return int(value)
    except ValueError:
        return value
