"""Plan cost on AWS: portable's plan path against a hand-written pulumi-aws program, same mocks, same run.

    python tests/bench/bench_plan_aws.py [--functions 100 300 1000] [--repeat 5] [--gc on|off]

For each size N, a stack of N functions, each with an HTTP route, a queue trigger and two links (a
table, read_write; a bucket, write), is planned with ``portable.plan.plan_stack`` (the real path: the
stack check, the source check, the code bundle, which is cached after the first build, the deploy
program and the conversion to a Plan). The floor is a program that a careful person would write with
pulumi-aws directly for the same resources (same physical names, policies as JSON built in
``apply``, the same code archive; no components, no model), run through the same harness: the same
recording monitor and fake AWS (:class:`providers.aws.mocks.AwsCloud`) and the same conversion. The
two alternate; the script prints the median wall and CPU time of each (CPU time, summed over the
process's threads, is steadier on a busy machine), the resource counts, the ratio, and the cost per
function across sizes (linear growth keeps it flat). A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pulumi

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from portable.deploy import build_bundles  # noqa: E402
from portable.model import Bucket, Function, Http, Queue, Stack, Table  # noqa: E402
from portable.plan import Plan, plan_stack  # noqa: E402
from portable.plan.runner import run_program, to_plan  # noqa: E402
from providers.aws.mocks import AwsCloud  # noqa: E402
from providers.aws.provider import AwsProvider  # noqa: E402

REGION = "eu-west-1"
CONFIG = {"portable:provider": "aws", "aws:region": REGION}
XRAY = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"
READ = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"]
WRITE = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"]
CONSUME = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]


def make_project() -> Path:
    root = Path(tempfile.mkdtemp(prefix="bench-plan-aws-"))
    (root / "src" / "app").mkdir(parents=True)
    (root / "src" / "app" / "__init__.py").write_text("")
    (root / "src" / "app" / "handlers.py").write_text("def handle(event, ctx):\n    return 'ok'\n")
    return root


def portable_stack(count: int) -> Stack:
    """The stack, built in one constructor call (validated once; the builder methods re-check the whole
    stack on every call, which is fine for hand-written stacks and slow for generated ones)."""
    items, files = Table(name="items"), Bucket(name="files")
    queues = [Queue(name=f"jobs-{i}") for i in range(count)]
    functions = [
        Function(name=f"fn-{i}", handler="app.handlers:handle", source="src",
                 triggers=(Http("GET", f"/items{i}"), queues[i].trigger()), links=(items.read_write(), files.write()))
        for i in range(count)
    ]
    return Stack(name="bench", functions=functions, queues=queues, tables=[items], buckets=[files])


def policy(*statements: tuple[list[str], list[str]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": actions, "Resource": resources} for actions, resources in statements
    ]}, separators=(",", ":"))


def trust(service: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}, separators=(",", ":"))


def handwritten_program(count: int, archive: Path) -> Callable[[], None]:
    def program() -> None:
        import pulumi_aws as aws

        table = aws.dynamodb.Table(
            "items", name="bench-items", billing_mode="PAY_PER_REQUEST", hash_key="id",
            attributes=[{"name": "id", "type": "S"}], point_in_time_recovery={"enabled": True},
            server_side_encryption={"enabled": True})
        bucket = aws.s3.Bucket("files", bucket_prefix="bench-files-", force_destroy=False)
        aws.s3.BucketPublicAccessBlock("files-public-access", bucket=bucket.id, block_public_acls=True,
                                       block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True)
        aws.s3.BucketOwnershipControls("files-ownership", bucket=bucket.id,
                                       rule={"object_ownership": "BucketOwnerEnforced"})
        aws.s3.BucketServerSideEncryptionConfiguration(
            "files-encryption", bucket=bucket.id,
            rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}])
        api = aws.apigatewayv2.Api("http", name="bench", protocol_type="HTTP")
        access = aws.cloudwatch.LogGroup("http-access-logs", name="/aws/http-api/bench", retention_in_days=30)
        aws.apigatewayv2.Stage("http-stage", api_id=api.id, name="$default", auto_deploy=True,
                               access_log_settings={"destination_arn": access.arn, "format": '{"requestId":'
                                                    '"$context.requestId","status":"$context.status"}'})
        code = pulumi.FileArchive(str(archive))
        for i in range(count):
            name = f"fn-{i}"
            dlq = aws.sqs.Queue(f"jobs-{i}-dead-letter", name=f"bench-jobs-{i}_dlq", sqs_managed_sse_enabled=True,
                                message_retention_seconds=1209600)
            queue = aws.sqs.Queue(
                f"jobs-{i}", name=f"bench-jobs-{i}", sqs_managed_sse_enabled=True, visibility_timeout_seconds=180,
                message_retention_seconds=345600,
                redrive_policy=dlq.arn.apply(lambda a: json.dumps({"deadLetterTargetArn": a, "maxReceiveCount": 5})))
            role = aws.iam.Role(f"{name}-role", assume_role_policy=trust("lambda.amazonaws.com"))
            logs = aws.cloudwatch.LogGroup(f"{name}-logs", name=f"/aws/lambda/bench-{name}", retention_in_days=30)
            aws.iam.RolePolicy(f"{name}-logs-write", role=role.id, policy=logs.arn.apply(
                lambda a: policy((["logs:CreateLogStream", "logs:PutLogEvents"], [f"{a}:*"]))))
            aws.iam.RolePolicyAttachment(f"{name}-xray", role=role.name, policy_arn=XRAY)
            aws.iam.RolePolicy(f"{name}-table-items-read_write", role=role.id, policy=table.arn.apply(
                lambda a: policy((READ, [a, f"{a}/index/*"]), (WRITE, [a]))))
            aws.iam.RolePolicy(f"{name}-bucket-files-write", role=role.id, policy=bucket.arn.apply(
                lambda a: policy((["s3:PutObject", "s3:DeleteObject"], [f"{a}/*"]))))
            consume = aws.iam.RolePolicy(f"{name}-queue-jobs-{i}-consume", role=role.id,
                                         policy=queue.arn.apply(lambda a: policy((CONSUME, [a]))))
            links = pulumi.Output.all(bucket.bucket, bucket.arn, table.name, table.arn, queue.url, queue.arn).apply(
                lambda v, i=i: json.dumps({
                    "files": {"kind": "bucket", "access": "write", "id": v[0], "arn": v[1]},
                    "items": {"kind": "table", "access": "read_write", "id": v[2], "arn": v[3], "key": "id",
                              "sort_key": None},
                    f"jobs-{i}": {"kind": "queue", "access": "trigger", "id": v[4], "arn": v[5]},
                }, separators=(",", ":"), sort_keys=True))
            function = aws.lambda_.Function(
                name, name=f"bench-{name}", role=role.arn, runtime="python3.12",
                handler="providers.aws.runtime.handler", code=code, architectures=["x86_64"], memory_size=512,
                timeout=30, tracing_config={"mode": "Active"},
                logging_config={"log_format": "JSON", "log_group": logs.name, "application_log_level": "INFO",
                                "system_log_level": "INFO"},
                environment={"variables": {
                    "PORTABLE_PROVIDER": "aws", "PORTABLE_FUNCTION": name, "PORTABLE_HANDLER": "app.handlers:handle",
                    "PORTABLE_LOG": "error",
                    "PORTABLE_ROUTES": json.dumps([["GET", f"/items{i}"]], separators=(",", ":")),
                    "PORTABLE_LINKS": links}},
                opts=pulumi.ResourceOptions(depends_on=[logs]))
            aws.lambda_.EventSourceMapping(
                f"{name}-jobs-{i}-events", event_source_arn=queue.arn, function_name=function.arn, batch_size=10,
                function_response_types=["ReportBatchItemFailures"], opts=pulumi.ResourceOptions(depends_on=[consume]))
            integration = aws.apigatewayv2.Integration(
                f"http-{name}-integration", api_id=api.id, integration_type="AWS_PROXY",
                integration_uri=function.invoke_arn, integration_method="POST", payload_format_version="2.0",
                timeout_milliseconds=30000)
            aws.apigatewayv2.Route(f"http-{name}-get/items{i}", api_id=api.id, route_key=f"GET /items{i}",
                                   target=integration.id.apply(lambda x: f"integrations/{x}"),
                                   authorization_type="AWS_IAM")
            aws.lambda_.Permission(f"http-{name}-get/items{i}-invoke", action="lambda:InvokeFunction",
                                   function=function.name, principal="apigateway.amazonaws.com",
                                   source_arn=api.execution_arn.apply(lambda a, i=i: f"{a}/*/GET/items{i}"))

    return program


def plan_portable(stack: Stack, root: Path) -> Plan:
    return plan_stack(stack, "aws", root, config=CONFIG)


def plan_handwritten(program: Callable[[], None], root: Path) -> Plan:
    cloud = AwsCloud(region=REGION)
    return to_plan(run_program(program, cloud, config=CONFIG), provider="aws", stack="bench", root=root,
                   summarize=cloud.summary)


def timed(plan: Callable[[], Plan], collector: bool = True) -> tuple[float, float, Plan]:
    """Wall seconds, CPU seconds (all threads) and the plan; ``collector=False`` runs it with the
    garbage collector off (what is left is the programs' own work)."""
    gc.collect()
    if not collector:
        gc.disable()
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        result = plan()
        return time.perf_counter() - wall, time.process_time() - cpu, result
    finally:
        gc.enable()


def measure(count: int, repeat: int, root: Path, collector: bool = True) -> dict[str, float]:
    stack = portable_stack(count)
    archive = build_bundles(stack, root, AwsProvider())[f"fn-{0}"].path
    handwritten = handwritten_program(count, archive)
    runs: dict[str, Callable[[], Plan]] = {
        "portable": lambda: plan_portable(stack, root),
        "pulumi-aws": lambda: plan_handwritten(handwritten, root),
    }
    walls: dict[str, list[float]] = {name: [] for name in runs}
    cpus: dict[str, list[float]] = {name: [] for name in runs}
    sizes: dict[str, tuple[int, int]] = {}
    for _ in range(repeat):
        for name, run in runs.items():
            wall, cpu, plan = timed(run, collector)
            walls[name].append(wall)
            cpus[name].append(cpu)
            custom = sum(1 for r in plan.resources if r.custom)
            sizes[name] = (custom, len(plan.resources) - custom)
    wall = {name: statistics.median(values) for name, values in walls.items()}
    cpu = {name: statistics.median(values) for name, values in cpus.items()}
    for name in runs:
        custom, components = sizes[name]
        print(f"  {name:>10}: wall {wall[name]:7.2f} s ({min(walls[name]):.2f}-{max(walls[name]):.2f}), "
              f"cpu {cpu[name]:7.2f} s ({min(cpus[name]):.2f}-{max(cpus[name]):.2f}), median of {repeat}; "
              f"{custom} resources + {components} components")
    ratio, cpu_ratio = wall["portable"] / wall["pulumi-aws"], cpu["portable"] / cpu["pulumi-aws"]
    best = min(cpus["portable"]) / min(cpus["pulumi-aws"])
    print(f"  portable / pulumi-aws = {ratio:.2f}x wall, {cpu_ratio:.2f}x cpu (medians); {best:.2f}x cpu (best runs)")
    return {"portable": cpu["portable"], "floor": cpu["pulumi-aws"], "ratio": cpu_ratio, "wall_ratio": ratio}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--functions", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--gc", choices=("on", "off"), default="on",
                        help="off: time with the garbage collector off, to see the programs' own scaling")
    args = parser.parse_args()
    collector = args.gc == "on"
    root = make_project()
    print("warming up (imports, first bundle build)...")
    measure(10, 1, root, collector)
    results = {}
    for count in args.functions:
        print(f"{count} functions, each: HTTP route + queue trigger + 2 links")
        results[count] = measure(count, args.repeat, root, collector)
    smallest = min(results)
    print("scaling, CPU per function (relative to the smallest size; 1.00 = linear):")
    for count, result in results.items():
        per = result["portable"] / count
        base = results[smallest]["portable"] / smallest
        floor = result["floor"] / count / (results[smallest]["floor"] / smallest)
        print(f"  {count:>5}: portable {per * 1000:6.1f} ms/function ({per / base:.2f}), "
              f"pulumi-aws {result['floor'] / count * 1000:6.1f} ms/function ({floor:.2f}), "
              f"ratio {result['ratio']:.2f}x cpu, {result['wall_ratio']:.2f}x wall")


if __name__ == "__main__":
    main()
