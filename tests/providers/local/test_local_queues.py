"""The durable queue engine: at-least-once delivery, visibility timeout, retries, dead letters."""

from __future__ import annotations

import time

from providers.local.queues import QueueStore


def test_a_message_is_delivered_with_its_body_and_attributes(store: QueueStore) -> None:
    message_id = store.send("jobs", b"\x00\xffbinary", {"tenant": "acme"})
    [message] = store.receive("jobs")
    assert (message.id, message.body, message.attributes, message.receives) == (
        message_id, b"\x00\xffbinary", {"tenant": "acme"}, 1
    )


def test_a_received_message_is_hidden_until_its_visibility_timeout_runs_out(store: QueueStore) -> None:
    store.send("jobs", b"1")
    [first] = store.receive("jobs", visibility_timeout=0.2)
    assert store.receive("jobs") == []
    time.sleep(0.25)
    [again] = store.receive("jobs")
    assert again.id == first.id and again.receives == 2


def test_an_acknowledged_message_is_gone_and_a_stale_receipt_deletes_nothing(store: QueueStore) -> None:
    store.send("jobs", b"1")
    [stale] = store.receive("jobs", visibility_timeout=0.01)
    time.sleep(0.02)
    [current] = store.receive("jobs", visibility_timeout=30)
    store.ack([stale])
    assert store.depth("jobs") == 1
    store.ack([current])
    assert store.depth("jobs") == 0


def test_queues_are_separate_and_batches_keep_order(store: QueueStore) -> None:
    for n in range(5):
        store.send("a", str(n).encode())
    store.send("b", b"other")
    assert [m.body for m in store.receive("a", 3)] == [b"0", b"1", b"2"]
    assert [m.body for m in store.receive("b", 10)] == [b"other"]


def test_a_failed_message_comes_back_after_the_backoff(store: QueueStore) -> None:
    store.send("jobs", b"1")
    [message] = store.receive("jobs")
    assert store.fail(message, "ValueError: no", max_receives=3, delay=0.1) is False
    assert store.receive("jobs") == []
    time.sleep(0.12)
    [again] = store.receive("jobs")
    assert again.receives == 2


def test_a_message_failing_max_receives_times_goes_to_the_dead_letters_intact(store: QueueStore) -> None:
    store.send("jobs", b'{"order": 1}', {"traceparent": "x"})
    for _ in range(3):
        [message] = store.receive("jobs", max_receives=3)
        store.fail(message, "RuntimeError: boom", max_receives=3, delay=0)
    assert store.depth("jobs") == 0
    [dead] = store.dead_letters("jobs")
    assert (dead.body, dead.attributes, dead.receives, dead.error) == (
        b'{"order": 1}', {"traceparent": "x"}, 3, "RuntimeError: boom"
    )


def test_a_message_whose_consumers_keep_dying_is_dead_lettered_on_the_next_receive(store: QueueStore) -> None:
    store.send("jobs", b"poison")
    for _ in range(2):
        store.receive("jobs", visibility_timeout=0.01, max_receives=2)
        time.sleep(0.02)
    assert store.receive("jobs", max_receives=2) == []
    [dead] = store.dead_letters("jobs")
    assert dead.body == b"poison" and "visibility timeout" in (dead.error or "")


def test_redrive_puts_dead_letters_back(store: QueueStore) -> None:
    store.send("jobs", b"1")
    [message] = store.receive("jobs", max_receives=1)
    store.fail(message, "boom", max_receives=1, delay=0)
    assert store.redrive("jobs") == 1
    [again] = store.receive("jobs")
    assert again.body == b"1" and again.receives == 1 and store.dead_letters("jobs") == []


def test_release_gives_messages_back_without_counting_the_receive(store: QueueStore) -> None:
    store.send("jobs", b"1")
    [message] = store.receive("jobs")
    store.release([message])
    [again] = store.receive("jobs")
    assert again.receives == 1


def test_send_many_puts_one_message_on_each_queue_with_one_id(store: QueueStore) -> None:
    message_id = store.send_many(["topic:t:a", "topic:t:b"], b"hi")
    assert [m.id for m in store.receive("topic:t:a")] == [message_id]
    assert [m.id for m in store.receive("topic:t:b")] == [message_id]


def test_messages_survive_closing_and_reopening_the_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = QueueStore(tmp_path / "q.sqlite3")
    first.send("jobs", b"kept")
    first.close()
    second = QueueStore(tmp_path / "q.sqlite3")
    assert [m.body for m in second.receive("jobs")] == [b"kept"]
    second.close()


def test_expire_drops_messages_past_retention(store: QueueStore) -> None:
    store.send("jobs", b"old")
    time.sleep(0.02)
    assert store.expire("jobs", retention=0.01) == 1
    assert store.depth("jobs") == 0
