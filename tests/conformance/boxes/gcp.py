"""The Google Cloud box: each Cloud Run service's real source bundle, unpacked and started with the command
and arguments the plan gives the service (``python -m gunicorn ... providers.gcp.runtime:app``) under the
Python of the service's base image, with ``-S`` so this machine's site-packages stay out as they are out
of Cloud Run's image; its environment is the plan's, the secret injected as Cloud Run injects a
``secretKeyRef``. Cloud Storage is the gcp-storage-emulator, Firestore the Firestore emulator, Pub/Sub a
gRPC stub of the Publisher (tests/providers/gcp/conftest.py) whose recorded publishes the pump delivers.

The pump plays Pub/Sub push (the push envelope; ``deliveryAttempt`` when the subscription has a dead-letter
policy; a non-2xx answer is a redelivery; after ``maxDeliveryAttempts`` the message goes to the dead-letter
topic), Eventarc's Cloud Storage events (a binary-mode CloudEvent per new object, found by listing the
bucket) and Cloud Scheduler's HTTP target.
"""

from __future__ import annotations

import atexit
import base64
import json
import shutil
import subprocess
import tarfile
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from portable.plan import Plan, PlannedResource
from tests.conformance.boxes import SIGNING_KEY, Delivery, Response, http_call
from tests.conformance.plans import planned
from tests.emulators import _wait_for_port, free_port
from tests.providers.gcp.conftest import PubSubStub, _serve

DELIVERIES_WITHOUT_DEAD_LETTER = 5
"""A subscription without a dead-letter policy retries until the message expires; the pump stops here."""


def interpreter(base_image: str) -> str:
    """The Python of the service's base image (``.../runtimes/python312``) from pyenv."""
    digits = base_image.rsplit("python", 1)[-1]
    version = f"{digits[0]}.{digits[1:]}"
    installed = sorted(Path("~/.pyenv/versions").expanduser().glob(f"{version}.*/bin/python"))
    if not installed:
        raise RuntimeError(f"gcp: no Python {version} here for the base image {base_image}")
    return str(installed[-1])


class Service:
    """One Cloud Run service: gunicorn in its own process, on 127.0.0.1."""

    def __init__(self, resource: PlannedResource, bundle: Path, work: Path, services: dict[str, str]) -> None:
        container = resource.inputs["template"]["containers"][0]
        self.name, self.port = resource.name, free_port()
        source = work / "services" / resource.name
        with tarfile.open(bundle) as archive:
            archive.extractall(source, filter="data")
        env = {e["name"]: e["value"] for e in container["envs"] if "value" in e}
        env.update({e["name"]: SIGNING_KEY for e in container["envs"] if "valueSource" in e})
        env.update(services, PORT=str(self.port), K_SERVICE=resource.inputs["name"], PATH="/usr/bin:/bin",
                   GUNICORN_CMD_ARGS=f"--bind 127.0.0.1:{self.port}", PORTABLE_LOG="info",
                   PYTHONUNBUFFERED="1")  # as Google's Python runtime images set it
        [python] = container["commands"]
        assert python == "python", container["commands"]
        self.process = subprocess.Popen(
            [interpreter(container["baseImageUri"]), "-S", *container["args"]], cwd=source, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.invocations = 0
        self.seen = Delivery()  # the current box's, set by each box
        threading.Thread(target=self._read, args=(self.process.stdout, lambda line: self.seen.printed.append(line)),
                         daemon=True).start()
        threading.Thread(target=self._read, args=(self.process.stderr, self._logged), daemon=True).start()
        _wait_for_port(self.port, timeout=60)

    @staticmethod
    def _read(stream: Any, sink: Any) -> None:
        for line in stream:
            sink(line.rstrip("\n"))

    def _logged(self, line: str) -> None:
        if line.startswith('{"severity"'):
            self.seen.log.append(json.loads(line))
            self.invocations += 1

    def call(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Response:
        """One request; returns once the invocation's log line (written before the answer) has been read."""
        before = self.invocations
        answer = http_call(f"http://127.0.0.1:{self.port}{path}", method, body, headers)
        deadline = time.monotonic() + 10
        while self.invocations == before and time.monotonic() < deadline:
            time.sleep(0.005)
        return answer

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class GcpBox:
    target = "gcp"

    def __init__(self, example: Path, work: Path, gcs: str, firestore: str) -> None:
        from google.auth.credentials import AnonymousCredentials
        from google.cloud import storage

        self.seen = Delivery()
        self.plan: Plan = planned("orders", "gcp")
        self.pubsub, address = _publisher()
        self.pubsub.requests.clear()
        self._published = 0
        self.pending: list[tuple[str, dict[str, Any], int]] = []  # (subscription, message, deliveries so far)
        self.dead: dict[str, list[dict[str, Any]]] = {}  # dead-letter topic -> messages
        self.storage = storage.Client(project="box", credentials=AnonymousCredentials(),
                                      client_options={"api_endpoint": gcs})
        self.buckets = {b.name: b.inputs["name"] for b in self.plan.of_type("gcp:storage/bucket:Bucket")
                        if b.name in {t.name for t in self.plan.of_type("portable:gcp:Bucket")}}
        for physical in self.buckets.values():
            bucket = self.storage.bucket(physical)
            if bucket.exists():
                for blob in list(bucket.list_blobs()):
                    blob.delete()
            else:
                self.storage.create_bucket(physical)
        self.seen_objects = {b: self._generations(b) for b in self.buckets.values()}
        services = {"STORAGE_EMULATOR_HOST": gcs, "FIRESTORE_EMULATOR_HOST": firestore,
                    "PUBSUB_EMULATOR_HOST": address, "GOOGLE_CLOUD_PROJECT": "my-project-id"}
        self.services = _services(self.plan, example, services)
        for service in self.services.values():
            service.seen = self.seen
        self.by_physical = {r.inputs["name"]: self.services[r.name]
                            for r in self.plan.of_type("gcp:cloudrunv2/service:Service")}

    def _service_of(self, url: str) -> Service:
        host = urlsplit(url).netloc
        for physical, service in self.by_physical.items():
            if host.startswith(physical + "-"):
                return service
        raise KeyError(f"gcp: no service serves {url}")

    def http(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Response:
        answer = self.services["api"].call(method, path, body, headers)
        kept = {k: v for k, v in answer.headers.items() if k not in ("server", "date", "connection", "content-length")}
        return Response(answer.status, kept, answer.body)

    # -- the pump --

    def pump(self) -> None:
        deadline = time.monotonic() + 60
        while self._take_published() + self._object_events() + self._push_round():
            assert time.monotonic() < deadline, "gcp: events still flowing after 60 s"

    def _take_published(self) -> int:
        requests = self.pubsub.requests[self._published:]
        self._published += len(requests)
        taken = 0
        for request in requests:
            for message in request.messages:
                self._enqueue(request.topic, bytes(message.data), dict(message.attributes))
                taken += 1
        return taken

    def _enqueue(self, topic: str, data: bytes, attributes: dict[str, str]) -> None:
        message = {"data": base64.b64encode(data).decode(), "attributes": attributes,
                   "messageId": uuid.uuid4().hex[:16], "publishTime": datetime.now(UTC).isoformat()}
        for subscription in self.plan.of_type("gcp:pubsub/subscription:Subscription"):
            if subscription.inputs["topic"] == topic:
                if subscription.inputs.get("pushConfig"):
                    self.pending.append((subscription.name, message, 0))
                else:
                    self.dead.setdefault(topic, []).append(message)

    def _push_round(self) -> int:
        delivered, self.pending, retry = len(self.pending), [], self.pending
        for name, message, attempts in retry:
            subscription = self.plan.get("gcp:pubsub/subscription:Subscription", name)
            policy = subscription.inputs.get("deadLetterPolicy")
            envelope = {"message": {**message, "message_id": message["messageId"],
                                    "publish_time": message["publishTime"]},
                        "subscription": f"projects/my-project-id/subscriptions/{subscription.inputs['name']}"}
            if policy:
                envelope["deliveryAttempt"] = attempts + 1
            endpoint = subscription.inputs["pushConfig"]["pushEndpoint"]
            answer = self._service_of(endpoint).call("POST", urlsplit(endpoint).path, json.dumps(envelope).encode(),
                                                     {"content-type": "application/json"})
            if 200 <= answer.status < 300:
                continue
            limit = policy["maxDeliveryAttempts"] if policy else DELIVERIES_WITHOUT_DEAD_LETTER
            if attempts + 1 < limit:
                self.pending.append((name, message, attempts + 1))
            elif policy:  # Pub/Sub says where the message died in attributes of its own
                source = {"CloudPubSubDeadLetterSourceDeliveryCount": str(attempts + 1),
                          "CloudPubSubDeadLetterSourceSubscription": subscription.inputs["name"],
                          "CloudPubSubDeadLetterSourceSubscriptionProject": "my-project-id",
                          "CloudPubSubDeadLetterSourceTopicPublishTime": message["publishTime"]}
                dead = {**message, "attributes": {**message["attributes"], **source}}
                self.dead.setdefault(policy["deadLetterTopic"], []).append(dead)
        return delivered

    def _generations(self, bucket: str) -> dict[str, int]:
        return {b.name: b.generation for b in self.storage.bucket(bucket).list_blobs()}

    def _object_events(self) -> int:
        sent = 0
        for trigger in self.plan.of_type("gcp:eventarc/trigger:Trigger"):
            criteria = {c["attribute"]: c["value"] for c in trigger.inputs["matchingCriterias"]}
            bucket = criteria["bucket"]
            known = self.seen_objects[bucket]
            for blob in self.storage.bucket(bucket).list_blobs():
                if known.get(blob.name) == blob.generation:
                    continue
                known[blob.name] = blob.generation
                sent += 1
                self._cloud_event(trigger, bucket, blob)
        return sent

    def _cloud_event(self, trigger: PlannedResource, bucket: str, blob: Any) -> None:
        destination = trigger.inputs["destination"]["cloudRunService"]
        data = {"kind": "storage#object", "bucket": bucket, "name": blob.name, "size": str(blob.size),
                "generation": str(blob.generation), "contentType": blob.content_type, "etag": blob.etag,
                "timeCreated": blob.time_created.isoformat(), "updated": blob.updated.isoformat(),
                "id": f"{bucket}/{blob.name}/{blob.generation}"}
        headers = {"content-type": "application/json", "ce-specversion": "1.0", "ce-id": uuid.uuid4().hex,
                   "ce-type": "google.cloud.storage.object.v1.finalized",
                   "ce-source": f"//storage.googleapis.com/projects/_/buckets/{bucket}",
                   "ce-subject": f"objects/{blob.name}", "ce-time": datetime.now(UTC).isoformat()}
        self.by_physical[destination["service"]].call("POST", destination["path"], json.dumps(data).encode(), headers)

    # -- the rest of the surface --

    def send(self, queue: str, body: bytes, attributes: dict[str, str]) -> None:
        topic = self.plan.get("gcp:pubsub/topic:Topic", queue).inputs["name"]
        self._enqueue(f"projects/my-project-id/topics/{topic}", body, attributes)

    def put_object(self, bucket: str, key: str, body: bytes) -> None:
        self.storage.bucket(self.buckets[bucket]).blob(key).upload_from_string(body)

    def get_object(self, bucket: str, key: str) -> bytes | None:
        blob = self.storage.bucket(self.buckets[bucket]).blob(key)
        return blob.download_as_bytes() if blob.exists() else None

    def run_schedule(self, name: str) -> None:
        target = self.plan.get("gcp:cloudscheduler/job:Job", name).inputs["httpTarget"]
        self._service_of(target["uri"]).call(
            target["httpMethod"], urlsplit(target["uri"]).path, base64.b64decode(target.get("body", "")),
            {"user-agent": "Google-Cloud-Scheduler", "x-cloudscheduler": "true",
             "x-cloudscheduler-jobname": name, "x-cloudscheduler-scheduletime": datetime.now(UTC).isoformat()})

    def dead_letters(self, queue: str) -> list[tuple[bytes, dict[str, str]]]:
        topic = f"projects/my-project-id/topics/{self.plan.get('gcp:pubsub/topic:Topic', queue).inputs['name']}"
        subscriptions = [s for s in self.plan.of_type("gcp:pubsub/subscription:Subscription")
                         if s.inputs["topic"] == topic and s.inputs.get("deadLetterPolicy")]
        dead_topic = subscriptions[0].inputs["deadLetterPolicy"]["deadLetterTopic"]
        return [(base64.b64decode(m["data"]), m["attributes"]) for m in self.dead.get(dead_topic, [])]

    def close(self) -> None:
        """The services and the stub stay up for the next box of this process (started once: gunicorn and
        the Google SDKs take seconds to start); they stop when the process exits."""
        for service in self.services.values():
            service.seen = Delivery()


_STARTED: dict[str, Any] = {}


def _publisher() -> tuple[PubSubStub, str]:
    """The process's Pub/Sub Publisher stub and its address."""
    if "pubsub" not in _STARTED:
        stub = PubSubStub()
        server, address = _serve(stub.handler())
        _STARTED["pubsub"] = (stub, address)
        atexit.register(server.stop, None)
    found: tuple[PubSubStub, str] = _STARTED["pubsub"]
    return found


def _services(plan: Plan, example: Path, services: dict[str, str]) -> dict[str, Service]:
    """The process's Cloud Run services of ``plan``, started on first use."""
    if "services" not in _STARTED:
        work = Path(tempfile.mkdtemp(prefix="portable-gcp-box-"))
        code = {o.name.removesuffix("-code"): o.inputs["source"]["asset"]
                for o in plan.of_type("gcp:storage/bucketObject:BucketObject")}
        started = {r.name: Service(r, example / code[r.name], work, services)
                   for r in plan.of_type("gcp:cloudrunv2/service:Service")}
        _STARTED["services"] = started

        def stop() -> None:
            for service in started.values():
                service.close()
            shutil.rmtree(work, ignore_errors=True)

        atexit.register(stop)
    found: dict[str, Service] = _STARTED["services"]
    return found
