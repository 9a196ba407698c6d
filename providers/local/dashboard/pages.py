"""The dashboard's pages, rendered on the server from a running LocalStack (plain HTML, escaped)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from portable.model import ObjectTrigger, QueueTrigger, Schedule, TopicTrigger
from providers.local.contract import ADMIN_PREFIX, SECRETS_FILE, secret_env
from providers.local.dead_letters import preview
from providers.local.feed import Invocation
from providers.local.scheduler import next_time
from providers.local.secrets import read_file

if TYPE_CHECKING:
    from providers.local.stack import LocalStack

PAGES = {"": "stack", "invocations": "invocations", "queues": "queues", "buckets": "buckets", "tables": "tables",
         "schedules": "schedules", "secrets": "secrets", "http": "HTTP explorer"}


def layout(local: LocalStack, here: str, title: str, body: str) -> str:
    nav = "".join(
        f'<a href="{ADMIN_PREFIX}{path}"{" class=here" if path == here else ""}>{escape(name)}</a>'
        for path, name in PAGES.items()
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} · '
        f'{escape(local.stack.name)} · portable dev</title><link rel="icon" href="data:,"><link rel="stylesheet" href="{ADMIN_PREFIX}assets/style.css">'
        f'</head><body data-base="{ADMIN_PREFIX}"><header><b>portable dev · {escape(local.stack.name)}</b>{nav}</header>'
        f'<main><h1>{escape(title)}</h1>{body}<pre id="result" hidden></pre></main>'
        f'<script src="{ADMIN_PREFIX}assets/app.js"></script></body></html>'
    )


def table(headers: Iterable[str], rows: Iterable[Iterable[str]], **attributes: str) -> str:
    """An HTML table; cells are HTML already (escape text with ``escape``)."""
    attrs = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attributes.items())
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody{attrs}>{body}</tbody></table>"


def _trigger_label(trigger: Any) -> str:
    if isinstance(trigger, QueueTrigger):
        return f"queue {trigger.queue}"
    if isinstance(trigger, TopicTrigger):
        return f"topic {trigger.topic}"
    if isinstance(trigger, ObjectTrigger):
        return f"bucket {trigger.bucket} ({'/'.join(trigger.events)} {trigger.prefix}*{trigger.suffix})"
    if isinstance(trigger, Schedule):
        return f"schedule {trigger.name}"
    private = "" if getattr(trigger, "public", True) else " (private)"
    return f"{trigger.method} {trigger.path}{private}"


def stack_page(local: LocalStack) -> str:
    """The stack as a picture: triggers -> functions -> resources, each link labelled with its access."""
    stack = local.stack
    triggers = [(f.name, _trigger_label(t)) for f in stack.functions for t in f.triggers]
    functions = [f.name for f in stack.functions]
    resources = [f"{r.kind} {r.name}" for r in stack.resources()]
    row, width = 28, 900
    height = max(len(triggers), len(functions), len(resources), 1) * row + 20
    y = {("t", i): 20 + i * row for i in range(len(triggers))}
    fy = {name: 20 + i * row for i, name in enumerate(functions)}
    ry = {name: 20 + i * row for i, name in enumerate(resources)}
    parts = [f'<svg id="stack-picture" width="{width}" height="{height}" role="img" aria-label="stack picture">']
    for i, (function, label) in enumerate(triggers):
        parts.append(f'<line x1="250" y1="{y["t", i]}" x2="350" y2="{fy[function]}" stroke="#8c959f"/>')
        parts.append(f'<text x="245" y="{y["t", i] + 4}" text-anchor="end">{escape(label)}</text>')
    for function in stack.functions:
        for link in function.links:
            target = ry.get(f"{link.kind} {link.name}")
            if target is not None:
                dash = ' stroke-dasharray="4 3"' if link.access == "read" else ""
                parts.append(f'<line x1="520" y1="{fy[function.name]}" x2="640" y2="{target}" stroke="#0969da"{dash}>'
                             f'<title>{escape(f"{function.name} may {link.access} {link.kind} {link.name}")}</title></line>')
    for name, top in fy.items():
        parts.append(f'<rect x="350" y="{top - 11}" width="170" height="22" rx="4" fill="#ddf4ff" stroke="#0969da"/>')
        parts.append(f'<text x="435" y="{top + 4}" text-anchor="middle">{escape(name)}</text>')
    for name, top in ry.items():
        parts.append(f'<text x="645" y="{top + 4}">{escape(name)}</text>')
    parts.append("</svg>")
    links = table(["function", "may", "resource"], (
        (escape(f.name), escape(link.access), escape(f"{link.kind} {link.name}")) for f in stack.functions for link in f.links
    ))
    legend = ('<p class="muted">Left: triggers; middle: functions; right: resources. A line from a function to a '
              "resource is a link: dashed reads only, solid may write (details below).</p>")
    return layout(local, "", f"Stack {stack.name}", legend + "".join(parts) + "<h2>Links</h2>" + links)


def invocation_rows(invocations: Iterable[Invocation]) -> list[list[str]]:
    rows = []
    for i in invocations:
        detail = escape(i.detail)
        if i.fields.get("traceback"):
            detail += f"<pre>{escape(str(i.fields['traceback']))}</pre>"
        rows.append([
            time.strftime("%H:%M:%S", time.localtime(i.at)), escape(i.function), escape(i.trigger),
            f'<span class="{escape(i.outcome)}">{escape(i.outcome)}</span>', f"{i.duration_ms:.1f}",
            "yes" if i.cold_start else "",
            f'<a href="{ADMIN_PREFIX}traces/{escape(i.trace_id)}">{escape(i.trace_id[:8])}</a>', detail,
        ])
    return rows


INVOCATION_COLUMNS = ("time", "function", "trigger", "outcome", "ms", "cold", "trace", "detail")


def invocations_page(local: LocalStack) -> str:
    rows = invocation_rows(reversed(local.feed.recent))
    body = ('<p class="muted">Live: new invocations appear at the top.</p>'
            + table(INVOCATION_COLUMNS, rows, id="invocations", data_after=str(local.feed.last_event)))
    return layout(local, "invocations", "Invocations", body)


def trace_page(local: LocalStack, trace_id: str) -> str:
    """One trace followed across HTTP, queues, workers, object events and topics, as a timeline."""
    spans = sorted(local.feed.find(trace_id=trace_id), key=lambda i: i.at - i.duration_ms / 1000)
    if not spans:
        return layout(local, "invocations", f"Trace {trace_id}", "<p>No invocation of this trace is in the recent log.</p>")
    start = min(i.at - i.duration_ms / 1000 for i in spans)
    span = max(max(i.at for i in spans) - start, 0.001)
    lanes = []
    for i in spans:
        left = (i.at - i.duration_ms / 1000 - start) / span * 100
        width = max(i.duration_ms / 1000 / span * 100, 0.5)
        offset = (i.at - i.duration_ms / 1000 - start) * 1000
        lanes.append([
            f"+{offset:.1f} ms", escape(i.function), escape(i.trigger), f'<span class="{escape(i.outcome)}">{escape(i.outcome)}</span>',
            f"{i.duration_ms:.1f}",
            f'<div class="lane"><div class="bar" style="left:{left:.2f}%;width:{width:.2f}%"></div></div>',
        ])
    body = table(["start", "function", "trigger", "outcome", "ms", "timeline"], lanes, id="trace")
    body += "<h2>Invocations</h2>" + table(INVOCATION_COLUMNS, invocation_rows(spans), id="invocations",
                                           data_after=str(local.feed.last_event), data_trace=trace_id)
    return layout(local, "invocations", f"Trace {trace_id}", body)


def queues_page(local: LocalStack) -> str:
    rows = []
    for sub in local.subscriptions:
        stats = local.state.queues.stats(sub.queue)
        url = f"{ADMIN_PREFIX}queues/{quote(sub.queue, safe='')}"
        rows.append([
            f'<a href="{url}">{escape(sub.queue)}</a>', escape(f"{sub.function} ({sub.kind} {sub.source})"),
            str(stats["ready"]), str(stats["in_flight"]), str(stats["delayed"]), str(stats["dead_letters"]),
        ])
    return layout(local, "queues", "Queues", table(["queue", "feeds", "ready", "in flight", "delayed", "dead letters"], rows))


def queue_page(local: LocalStack, queue: str) -> str:
    url = f"{ADMIN_PREFIX}queues/{quote(queue, safe='')}"
    stats = local.state.queues.stats(queue)
    summary = table(["ready", "in flight", "delayed", "dead letters"], [[str(v) for v in stats.values()]], id="stats")
    letters = local.state.queues.dead_letters(queue)
    rows = [[
        escape(d.id), str(d.receives), escape(d.error or ""), escape(json.dumps(d.attributes)), escape(preview(d.body)),
        f'<button data-post="{url}/redrive" data-body=\'{{"ids": ["{d.id}"]}}\'>redrive</button> '
        f'<button data-post="{url}/purge" data-body=\'{{"ids": ["{d.id}"]}}\' data-confirm="Delete this dead letter for '
        f'good?">purge</button>',
    ] for d in letters]
    actions = (f'<p><button data-post="{url}/redrive" data-body=\'{{"all": true}}\'>redrive all</button> '
               f'<button data-post="{url}/purge" data-body=\'{{"all": true}}\' data-confirm="Delete every dead letter '
               f'of {escape(queue)} for good?">purge all</button></p>') if letters else ""
    send = (f'<h2>Send a message</h2><form class="inline" onsubmit="event.preventDefault();post(\'{url}/send\','
            f'this.body.value).then(r=>r.ok&&location.reload())"><textarea name="body" rows="2" cols="60"></textarea>'
            f'<button id="send">send</button></form>')
    body = summary + "<h2>Dead letters</h2>" + table(["id", "attempts", "last error", "attributes", "body", ""], rows,
                                                     id="dead-letters") + actions + send
    return layout(local, "queues", f"Queue {queue}", body)


def buckets_page(local: LocalStack) -> str:
    rows = [[f'<a href="{ADMIN_PREFIX}buckets/{escape(b.name)}">{escape(b.name)}</a>'] for b in local.stack.buckets]
    return layout(local, "buckets", "Buckets", table(["bucket"], rows))


def bucket_page(local: LocalStack, name: str, prefix: str, keys: list[str]) -> str:
    url = f"{ADMIN_PREFIX}buckets/{escape(name)}"
    rows = [[f'<a href="{url}/object?key={quote(k, safe="")}">{escape(k)}</a>'] for k in keys]
    body = (f'<form><input name="prefix" value="{escape(prefix)}" placeholder="prefix"><button>list</button></form>'
            + table(["key"], rows, id="keys")
            + f'<h2>Upload (fires the object triggers)</h2><form id="upload" action="{url}/object">'
              f'<input type="file"> <input name="key" placeholder="key (default: the file name)"> <button>upload</button></form>')
    return layout(local, "buckets", f"Bucket {name}", body)


def tables_page(local: LocalStack) -> str:
    rows = [[f'<a href="{ADMIN_PREFIX}tables/{escape(t.name)}">{escape(t.name)}</a>', escape(t.key),
             escape(t.sort_key or "")] for t in local.stack.tables]
    return layout(local, "tables", "Tables", table(["table", "key", "sort key"], rows))


def table_page(local: LocalStack, name: str, key: str, sort_key: str | None, partition: str, prefix: str,
               items: list[dict[str, Any]]) -> str:
    url = f"{ADMIN_PREFIX}tables/{escape(name)}"
    form = (f'<form><input name="partition" value="{escape(partition)}" placeholder="{escape(key)} (partition)"> '
            + (f'<input name="prefix" value="{escape(prefix)}" placeholder="{escape(sort_key)} prefix"> ' if sort_key else "")
            + "<button>query</button></form>")
    rows = []
    for item in items:
        item_key = {key: item.get(key), **({sort_key: item.get(sort_key)} if sort_key else {})}
        link = f'{url}/item?key={quote(json.dumps(item_key), safe="")}'
        rows.append([f'<a href="{link}">{escape(json.dumps(item_key))}</a>', escape(json.dumps(item, default=str)[:200])])
    return layout(local, "tables", f"Table {name}", form + table(["key", "item"], rows, id="items"))


def item_page(local: LocalStack, name: str, item: dict[str, Any] | None) -> str:
    text = "No such item." if item is None else json.dumps(item, indent=2, sort_keys=True, default=str)
    return layout(local, "tables", f"Table {name}: item", f'<pre id="item">{escape(text)}</pre>')


def schedules_page(local: LocalStack) -> str:
    now = datetime.now(UTC)
    rows = [[
        escape(e.name), escape(e.function), escape(f"{e.schedule.expression} ({e.schedule.timezone})"),
        escape(next_time(e.schedule, now).astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")),
        f'<button data-post="{ADMIN_PREFIX}schedules/{escape(e.name)}" data-reload="no">run now</button>',
    ] for e in local.schedules]
    note = ('<p class="muted">Runs missed while <code>portable dev</code> was stopped are not made up, as on the '
            "clouds.</p>")
    return layout(local, "schedules", "Schedules", note + table(["schedule", "function", "when", "next run", ""], rows))


def secrets_page(local: LocalStack) -> str:
    file = local.root / SECRETS_FILE
    in_file = read_file(file)
    rows = []
    for secret in local.stack.secrets:
        variable = secret_env(secret.name)
        if variable in os.environ:
            where = f"environment variable {variable}"
        elif variable in in_file:
            where = f"{file} ({variable})"
        else:
            where = "not set"
        rows.append([escape(secret.name), "yes" if where != "not set" else "<b>no</b>", escape(where)])
    note = '<p class="muted">Values are never shown.</p>'
    return layout(local, "secrets", "Secrets", note + table(["secret", "set", "from"], rows, id="secrets"))


def http_page(local: LocalStack) -> str:
    forms = []
    for function in local.stack.functions:
        for t in function.http_triggers:
            params = [part.strip("{}+") for part in t.path.split("/") if part.startswith("{")]
            methods = ["GET", "POST", "PUT", "PATCH", "DELETE"] if t.method == "ANY" else [t.method]
            private = "" if t.public else ' <span class="private">private: not authenticated locally</span>'
            forms.append(
                f'<h2>{escape(t.method)} {escape(t.path)} <span class="muted">→ {escape(function.name)}</span>{private}</h2>'
                f'<form class="explorer" data-path="{escape(t.path)}"><select name="method">'
                + "".join(f"<option>{m}</option>" for m in methods) + "</select> "
                + "".join(f'<input data-param="{escape(p)}" placeholder="{escape(p)}"> ' for p in params)
                + '<input name="query" placeholder="query (a=1&amp;b=2)"><br><textarea rows="4" cols="70" '
                  'placeholder="JSON body"></textarea><br><button>send</button><pre></pre></form>'
            )
    return layout(local, "http", "HTTP explorer", "".join(forms) or "<p>No HTTP routes.</p>")
