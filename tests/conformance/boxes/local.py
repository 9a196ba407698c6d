"""The local box: the local provider's in-process ``LocalStack`` (what ``portable dev`` serves)."""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path
from typing import Any

from portable.loader import load_target
from providers.local.queues import Backoff
from providers.local.stack import LocalStack
from tests.conformance.boxes import SIGNING_KEY, Delivery, Response, http_call

SECRET_VARIABLE = "PORTABLE_SECRET_RECEIPT_SIGNING_KEY"


class _Lines(io.TextIOBase):
    """A text stream that hands each complete line to ``sink``."""

    def __init__(self, sink: Any) -> None:
        self.sink, self.pending = sink, ""

    def write(self, text: str) -> int:
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            self.sink(line)
        return len(text)


class LocalBox:
    target = "local"

    def __init__(self, example: Path, state: Path) -> None:
        self.seen = Delivery()
        self._saved = os.environ.get(SECRET_VARIABLE)
        os.environ[SECRET_VARIABLE] = SIGNING_KEY
        log = _Lines(lambda line: self.seen.log.append(json.loads(line)) if line.startswith("{") else None)
        self._printed = _Lines(self.seen.printed.append)
        stack = load_target(str(example / "stack.py")).stack
        self.local = LocalStack(stack, example, state, log="info", log_stream=log, backoff=Backoff(base=0.0, cap=0.0))
        self.local.start(serve=True, consumers=False, schedules=False)  # the pump delivers, not threads

    @contextlib.contextmanager
    def _running(self) -> Any:
        with contextlib.redirect_stdout(self._printed):  # type: ignore[type-var]
            yield

    def http(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Response:
        with self._running():
            return http_call(self.local.url + path, method, body, headers)

    def pump(self) -> None:
        with self._running():
            self.local.drain()

    def send(self, queue: str, body: bytes, attributes: dict[str, str]) -> None:
        self.local.state.queues.send(queue, body, attributes)

    def put_object(self, bucket: str, key: str, body: bytes) -> None:
        from portable.runtime import bucket as portable_bucket

        with self.local.admin():
            portable_bucket(bucket).put(key, body)

    def get_object(self, bucket: str, key: str) -> bytes | None:
        from portable.runtime import bucket as portable_bucket

        with self.local.admin():
            store = portable_bucket(bucket)
            return store.get(key) if store.exists(key) else None

    def run_schedule(self, name: str) -> None:
        with self._running():
            self.local.run_schedule(name)

    def dead_letters(self, queue: str) -> list[tuple[bytes, dict[str, str]]]:
        return [(letter.body, letter.attributes) for letter in self.local.dead_letters(queue)]

    def close(self) -> None:
        self.local.close()
        if self._saved is None:
            os.environ.pop(SECRET_VARIABLE, None)
        else:
            os.environ[SECRET_VARIABLE] = self._saved
