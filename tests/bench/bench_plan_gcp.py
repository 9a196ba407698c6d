"""Plan overhead on Google Cloud: portable's deploy program against hand-written pulumi-gcp, same mocks.

    python tests/bench/bench_plan_gcp.py [--functions 100] [--repeat 5]

Both programs declare the same stack under the same Pulumi mocks (:class:`providers.gcp.mocks.GcpMocks`)
in the same process, alternately: N functions, each with an HTTP route, a queue trigger (topic,
dead-letter topic and its subscription, push subscription with OIDC, service-agent grants) and two
links (a table, read_write; a bucket, write), each a Cloud Run service from a source archive with its
own service account. The hand-written program is what a careful person would write with pulumi-gcp
directly (no components, no model). Code archives are not built (the plan does not build them
either). It prints the median wall time of each, the resource counts, and the ratio.
A benchmark, not a test: nothing is asserted.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime.mocks import MockMonitor

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bench"))

from plan_compare import bench_stack, compare  # noqa: E402

from providers.gcp.mocks import GcpMocks  # noqa: E402

PROJECT, REGION = "bench-project", "europe-west1"
APIS = ("run", "iam", "storage", "pubsub", "firestore")
IMAGE = f"{REGION}-docker.pkg.dev/serverless-runtimes/google-22-full/runtimes/python312"
ARGS = ["-m", "gunicorn", "--workers", "1", "--threads", "8", "--timeout", "0", "providers.gcp.runtime:app"]


def portable_program(count: int) -> Callable[[], None]:
    stack = bench_stack(count)

    def program() -> None:
        from portable.deploy import placeholder_bundle
        from providers.gcp.deploy.program import deploy_stack

        deploy_stack(stack, {f.name: placeholder_bundle(f) for f in stack.functions})

    return program


def handwritten_program(count: int) -> Callable[[], None]:
    def program() -> None:
        import pulumi_gcp as gcp

        apis = [gcp.projects.Service(f"api-{a}", project=PROJECT, service=f"{a}.googleapis.com",
                                     disable_on_destroy=False) for a in APIS]
        after = pulumi.ResourceOptions(depends_on=apis)
        number = gcp.organizations.get_project_output(project_id=PROJECT).number
        agent = number.apply(lambda n: f"serviceAccount:service-{n}@gcp-sa-pubsub.iam.gserviceaccount.com")
        secure: dict[str, Any] = {"uniform_bucket_level_access": True, "public_access_prevention": "enforced",
                                  "location": REGION, "project": PROJECT}
        code = gcp.storage.Bucket("code", name="bench-code-1a2b3c", force_destroy=True, opts=after, **secure)
        invoker = gcp.serviceaccount.Account("invoker", account_id="bench-invoker", project=PROJECT, opts=after)
        gcp.serviceaccount.IAMMember("invoker-tokens", service_account_id=invoker.name,
                                     role="roles/iam.serviceAccountTokenCreator", member=agent)
        files = gcp.storage.Bucket("files", name="bench-files-1a2b3c", force_destroy=False,
                                   versioning={"enabled": False}, opts=after, **secure)
        db = gcp.firestore.Database("items", name="bench-items", project=PROJECT, location_id=REGION,
                                    type="FIRESTORE_NATIVE", deletion_policy="DELETE",
                                    point_in_time_recovery_enablement="POINT_IN_TIME_RECOVERY_ENABLED",
                                    delete_protection_state="DELETE_PROTECTION_DISABLED", opts=after)
        for i in range(count):
            topic = gcp.pubsub.Topic(f"jobs-{i}", name=f"bench-jobs-{i}", project=PROJECT, opts=after)
            dlq = gcp.pubsub.Topic(f"jobs-{i}-dlq", name=f"bench-jobs-{i}-dead-letter", project=PROJECT, opts=after)
            gcp.pubsub.Subscription(f"jobs-{i}-dlq", name=f"bench-jobs-{i}-dead-letter", project=PROJECT,
                                    topic=dlq.id, message_retention_duration="604800s",
                                    expiration_policy={"ttl": ""}, opts=after)
            gcp.pubsub.TopicIAMMember(f"jobs-{i}-dlq-agent", project=PROJECT, topic=dlq.name,
                                      role="roles/pubsub.publisher", member=agent)
            sa = gcp.serviceaccount.Account(f"fn-{i}-sa", account_id=f"bench-fn-{i}", project=PROJECT, opts=after)
            member = sa.email.apply(lambda e: f"serviceAccount:{e}")
            obj = gcp.storage.BucketObject(f"fn-{i}-code", bucket=code.name, name=f"fn-{i}/code.tar.gz",
                                           source=pulumi.StringAsset("code"), content_type="application/gzip")
            table_grant = gcp.projects.IAMMember(
                f"fn-{i}-table", project=PROJECT, role="roles/datastore.user", member=member,
                condition={"title": "only table items", "expression": db.name.apply(
                    lambda d: f'resource.name == "projects/{PROJECT}/databases/{d}"')})
            bucket_grant = gcp.storage.BucketIAMMember(f"fn-{i}-files", bucket=files.name,
                                                       role="roles/storage.objectUser", member=member)
            links = pulumi.Output.all(db.name, files.name, topic.id).apply(lambda v, i=i: json.dumps({
                "items": {"kind": "table", "access": "read_write", "project": PROJECT, "database": v[0],
                          "collection": "items", "key": "id", "id": f"projects/{PROJECT}/databases/{v[0]}/documents/items"},
                "files": {"kind": "bucket", "access": "write", "id": v[1], "project": PROJECT},
                f"jobs-{i}": {"kind": "queue", "access": "trigger", "id": v[2]}}, sort_keys=True))
            envs = [{"name": k, "value": v} for k, v in {
                "PORTABLE_PROVIDER": "gcp", "PORTABLE_FUNCTION": f"fn-{i}", "PORTABLE_HANDLER": "app:handle",
                "PORTABLE_LOG": "error",
                "PORTABLE_ROUTES": json.dumps([["GET", f"/items{i}"]]), "PORTABLE_LINKS": links,
                "PORTABLE_TIMEOUT": "30"}.items()]
            service = gcp.cloudrunv2.Service(
                f"fn-{i}", name=f"bench-fn-{i}", project=PROJECT, location=REGION, ingress="INGRESS_TRAFFIC_ALL",
                deletion_protection=False,
                template={"service_account": sa.email, "timeout": "30s", "max_instance_request_concurrency": 8,
                          "scaling": {"min_instance_count": 0},
                          "containers": [{"image": "scratch", "base_image_uri": IMAGE, "commands": ["python"],
                                          "args": ARGS, "envs": envs,
                                          "source_code": {"cloud_storage_source": {
                                              "bucket": obj.bucket, "object": obj.name,
                                              "generation": obj.generation.apply(str)}},
                                          "resources": {"limits": {"cpu": "1", "memory": "512Mi"},
                                                        "cpu_idle": True, "startup_cpu_boost": True}}]},
                opts=pulumi.ResourceOptions(depends_on=[*apis, table_grant, bucket_grant]))
            gcp.cloudrunv2.ServiceIamMember(f"fn-{i}-invoker", project=PROJECT, location=REGION, name=service.name,
                                            role="roles/run.invoker", member=invoker.email.apply(
                                                lambda e: f"serviceAccount:{e}"))
            sub = gcp.pubsub.Subscription(
                f"fn-{i}-jobs", name=f"bench-jobs-{i}", project=PROJECT, topic=topic.id, ack_deadline_seconds=30,
                message_retention_duration="345600s", expiration_policy={"ttl": ""},
                retry_policy={"minimum_backoff": "10s", "maximum_backoff": "600s"},
                dead_letter_policy={"dead_letter_topic": dlq.id, "max_delivery_attempts": 5},
                push_config={"push_endpoint": service.uri.apply(lambda u, i=i: f"{u}/_portable/queue/jobs-{i}"),
                             "oidc_token": {"service_account_email": invoker.email, "audience": service.uri}},
                opts=after)
            gcp.pubsub.SubscriptionIAMMember(f"fn-{i}-jobs-agent", project=PROJECT, subscription=sub.name,
                                             role="roles/pubsub.subscriber", member=agent)

    return program


class CountingMocks(GcpMocks):
    def __init__(self) -> None:
        super().__init__(project=PROJECT, region=REGION)
        self.count = 0

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        self.count += 1
        return super().new_resource(args)


def run(program: Callable[[], None]) -> tuple[float, int]:
    mocks = CountingMocks()
    pulumi.runtime.set_mocks(mocks, project="bench", stack="gcp", preview=False, monitor=MockMonitor(mocks))
    pulumi.runtime.set_all_config({"gcp:project": PROJECT, "gcp:region": REGION})
    start = time.perf_counter()
    pulumi.runtime.test(program)()
    return time.perf_counter() - start, mocks.count


if __name__ == "__main__":
    compare((__doc__ or "").splitlines()[0], "pulumi-gcp",
            lambda n: {"portable": portable_program(n), "pulumi-gcp": handwritten_program(n)}, run, repeat=5)
