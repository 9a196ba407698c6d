"""The AWS box: each Lambda function's real bundle, unpacked and run by ``lambda_runtime.py`` in its own
process with only the bundle and boto3 on ``sys.path``; its environment is the one the plan records under
Pulumi mocks, with the mock physical names mapped to a moto server's; the pump plays API Gateway (HTTP
API, payload 2.0), Lambda's SQS event source mapping, S3 notifications, SNS and EventBridge Scheduler.

Platform semantics the pump keeps: an SQS batch holds up to ``batchSize`` messages; the messages the
function lists in ``batchItemFailures`` (or the whole batch, if it fails) stay in the queue and come
back once their visibility timeout passes (the pump lets it pass at once); moto redrives a message to
the dead-letter queue after ``maxReceiveCount`` receives. SNS and S3 reach the functions through capture
queues that moto fills in the services' own message shapes.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import urllib.request
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3

from portable.plan import Plan
from tests.conformance.boxes import SIGNING_KEY, Delivery, Response
from tests.conformance.plans import planned

REGION = "eu-west-1"
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
"""What the Lambda Python runtime provides besides the standard library."""
RUNNER = Path(__file__).with_name("lambda_runtime.py")


def interpreter(runtime: str) -> str:
    """The Python of the function's Lambda runtime (``python3.12``): a pyenv version, else on PATH, else
    this interpreter."""
    version = runtime.removeprefix("python")
    installed = sorted(Path("~/.pyenv/versions").expanduser().glob(f"{version}.*/bin/python"))
    return str(installed[-1]) if installed else shutil.which(f"python{version}") or sys.executable


def runtime_dir(into: Path) -> Path:
    """A folder holding only the packages of the Lambda runtime (links into this interpreter's)."""
    into.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_PACKAGES:
        source = Path(importlib.import_module(name).__file__ or "")
        source = source.parent if source.name == "__init__.py" else source
        (into / source.name).symlink_to(source)
    return into


class LambdaProcess:
    """One function's process, answering one invocation at a time."""

    def __init__(self, resource: dict[str, Any], root: Path, work: Path, environment: dict[str, str]) -> None:
        self.name = resource["name"]
        self.timeout_ms = int(resource["timeout"]) * 1000
        task_root = work / "functions" / self.name
        with zipfile.ZipFile(root / resource["code"]["archive"]) as bundle:
            bundle.extractall(task_root)
        env = {**environment, "AWS_LAMBDA_FUNCTION_NAME": self.name,
               "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(resource["memorySize"]), "LAMBDA_TASK_ROOT": str(task_root)}
        self.process = subprocess.Popen(
            [interpreter(resource["runtime"]), "-I", "-S", str(RUNNER), str(task_root), str(work / "runtime"), resource["handler"]],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True, cwd=task_root,
        )

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin and self.process.stdout
        call = {"event": event, "request_id": str(uuid.uuid4()), "timeout_ms": self.timeout_ms}
        self.process.stdin.write(json.dumps(call) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"aws: the process of function {self.name!r} exited ({self.process.wait()})")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


class AwsBox:
    target = "aws"

    def __init__(self, example: Path, work: Path, moto: str) -> None:
        self.seen = Delivery()
        self.plan: Plan = planned("orders", "aws")
        self.session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
        self.moto = moto
        self.s3, self.sqs, self.sns = (self.session.client(s, endpoint_url=moto) for s in ("s3", "sqs", "sns"))
        self.renamed: dict[str, str] = {}
        urllib.request.urlopen(urllib.request.Request(f"{moto}/moto-api/reset", method="POST"), timeout=10).close()
        self._create_services()
        environment = {"PATH": os.environ.get("PATH", ""), "AWS_ENDPOINT_URL": moto, "AWS_REGION": REGION,
                       "AWS_DEFAULT_REGION": REGION, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
        runtime_dir(work / "runtime")
        self.functions = {}
        for resource in self.plan.of_type("aws:lambda/function:Function"):
            inputs = resource.inputs
            variables = {k: self._moto_names(v) for k, v in inputs["environment"]["variables"].items()}
            variables["PORTABLE_LOG"] = "info"  # one line per invocation (log_level="info"), as in every box
            self.functions[resource.name] = LambdaProcess(inputs, example, work, {**environment, **variables})
        self.physical_to_function = {r.inputs["name"]: r.name for r in self.plan.of_type("aws:lambda/function:Function")}

    # -- the services, as the plan declares them, in moto --

    def _moto_names(self, value: str) -> str:
        for mock, real in self.renamed.items():
            value = value.replace(mock, real)
        return value

    def _create_services(self) -> None:
        dynamodb = self.session.client("dynamodb", endpoint_url=self.moto)
        for table in self.plan.of_type("aws:dynamodb/table:Table"):
            dynamodb.create_table(
                TableName=table.inputs["name"], BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[{"AttributeName": a["name"], "AttributeType": a["type"]}
                                      for a in table.inputs["attributes"]],
                KeySchema=[{"AttributeName": table.inputs["hashKey"], "KeyType": "HASH"}])
        queues = sorted(self.plan.of_type("aws:sqs/queue:Queue"), key=lambda q: "redrivePolicy" in q.inputs)
        self.queue_urls: dict[str, str] = {}  # physical name -> moto URL
        for queue in queues:  # dead-letter queues first
            attributes = {"VisibilityTimeout": str(queue.inputs.get("visibilityTimeoutSeconds", 30))}
            if "redrivePolicy" in queue.inputs:
                attributes["RedrivePolicy"] = queue.inputs["redrivePolicy"]
            name = queue.inputs["name"]
            url = self.sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
            self.queue_urls[name] = url
            self.renamed[f"https://sqs.{REGION}.amazonaws.com/123456789012/{name}"] = url
        for topic in self.plan.of_type("aws:sns/topic:Topic"):
            self.sns.create_topic(Name=topic.inputs["name"])
        secrets = self.session.client("secretsmanager", endpoint_url=self.moto)
        for secret in self.plan.of_type("aws:secretsmanager/secret:Secret"):
            arn = secrets.create_secret(Name=secret.inputs["name"], SecretString=SIGNING_KEY)["ARN"]
            mock = self.plan.outputs["secrets"][secret.name]["arn"]
            self.renamed[mock] = arn
        for bucket in self.plan.outputs["buckets"].values():
            self.s3.create_bucket(Bucket=bucket["name"], CreateBucketConfiguration={"LocationConstraint": REGION})
        self._capture_notifications()

    def _capture(self, name: str) -> tuple[str, str]:
        url = self.sqs.create_queue(QueueName=f"box-capture-{name}")["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return url, arn

    def _capture_notifications(self) -> None:
        """SNS subscriptions and S3 notifications of the plan, pointed at capture queues the pump reads."""
        self.sns_routes: list[tuple[str, str, str]] = []  # (capture URL, function, subscription ARN)
        for subscription in self.plan.of_type("aws:sns/topicSubscription:TopicSubscription"):
            url, arn = self._capture(subscription.name)
            answer = self.sns.subscribe(TopicArn=subscription.inputs["topic"], Protocol="sqs", Endpoint=arn)
            function = subscription.inputs["endpoint"].rsplit(":", 1)[-1]
            self.sns_routes.append((url, function, answer["SubscriptionArn"]))
        self.s3_routes: list[tuple[str, str]] = []  # (capture URL, function)
        for notification in self.plan.of_type("aws:s3/bucketNotification:BucketNotification"):
            configurations = []
            for index, target in enumerate(notification.inputs["lambdaFunctions"]):
                url, arn = self._capture(f"{notification.name}-{index}")
                rules = [{"Name": n, "Value": target[k]} for n, k in (("prefix", "filterPrefix"), ("suffix", "filterSuffix"))
                         if target.get(k)]
                configurations.append({"QueueArn": arn, "Events": target["events"],
                                       **({"Filter": {"Key": {"FilterRules": rules}}} if rules else {})})
                self.s3_routes.append((url, target["lambdaFunctionArn"].rsplit(":", 1)[-1]))
            self.s3.put_bucket_notification_configuration(
                Bucket=notification.inputs["bucket"], NotificationConfiguration={"QueueConfigurations": configurations})

    # -- invoking --

    def _invoke(self, physical: str, event: dict[str, Any]) -> dict[str, Any]:
        answer = self.functions[self.physical_to_function[physical]].invoke(event)
        self.seen.printed.extend(answer["stdout"].splitlines())
        self.seen.log.extend(json.loads(line) for line in answer["stderr"].splitlines() if line.startswith("{"))
        return answer

    def http(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Response:
        raw_path, _, query = path.partition("?")
        [integration] = self.plan.of_type("aws:apigatewayv2/integration:Integration")
        function = integration.inputs["integrationUri"].rsplit(":function:", 1)[-1].removesuffix("/invocations")
        now = datetime.now(UTC)
        event = {
            "version": "2.0", "routeKey": "$default", "rawPath": raw_path, "rawQueryString": query,
            "headers": {k.lower(): v for k, v in (headers or {}).items()} | {"host": "api.example.com"},
            "requestContext": {
                "accountId": "123456789012", "apiId": "box", "domainName": "api.example.com", "domainPrefix": "api",
                "http": {"method": method, "path": raw_path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                         "userAgent": "conformance"},
                "requestId": str(uuid.uuid4()), "routeKey": "$default", "stage": "$default",
                "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"), "timeEpoch": int(now.timestamp() * 1000)},
            "body": body.decode("utf-8"), "isBase64Encoded": False,
        }
        answer = self._invoke(function, event)
        if "error" in answer:
            return Response(500, {"content-type": "application/json"}, b'{"message":"Internal Server Error"}')
        result = answer["result"]
        return Response(result["statusCode"], {k.lower(): v for k, v in (result.get("headers") or {}).items()},
                        result.get("body", "").encode("utf-8"))

    def pump(self) -> None:
        while self._sqs_round() + self._capture_round():
            pass

    def _sqs_round(self) -> int:
        """One poll of each event source mapping; the number of messages delivered."""
        delivered = 0
        for mapping in self.plan.of_type("aws:lambda/eventSourceMapping:EventSourceMapping"):
            queue_name = mapping.inputs["eventSourceArn"].rsplit(":", 1)[-1]
            url = self.queue_urls[queue_name]
            messages = self.sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=min(10, mapping.inputs["batchSize"]), AttributeNames=["All"],
                MessageAttributeNames=["All"]).get("Messages", [])
            if not messages:
                continue
            delivered += len(messages)
            records = [{
                "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                "attributes": m["Attributes"], "md5OfBody": m["MD5OfBody"], "eventSource": "aws:sqs",
                "eventSourceARN": mapping.inputs["eventSourceArn"], "awsRegion": REGION,
                "messageAttributes": {k: {"stringValue": v["StringValue"], "stringListValues": [],
                                          "binaryListValues": [], "dataType": v["DataType"]}
                                      for k, v in m.get("MessageAttributes", {}).items()},
            } for m in messages]
            answer = self._invoke(mapping.inputs["functionName"].rsplit(":", 1)[-1], {"Records": records})
            failed = ({f["itemIdentifier"] for f in answer["result"].get("batchItemFailures", [])}
                      if "result" in answer else {m["MessageId"] for m in messages})
            for message in messages:
                if message["MessageId"] in failed:  # its visibility timeout passes at once
                    self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"],
                                                       VisibilityTimeout=0)
                else:
                    self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return delivered

    def _capture_round(self) -> int:
        """Deliver what SNS and S3 put in the capture queues, one invocation per record as the services do."""
        delivered = 0
        routes = [(url, function, "sns", sub) for url, function, sub in self.sns_routes]
        routes += [(url, function, "s3", "") for url, function in self.s3_routes]
        for url, function, kind, subscription in routes:
            for message in self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                body = json.loads(message["Body"])
                if kind == "s3" and "Records" not in body:
                    continue  # moto's s3:TestEvent on configuration
                event = {"Records": [self._sns_record(body, subscription)]} if kind == "sns" else body
                self._invoke(function, event)
                delivered += 1
        return delivered

    @staticmethod
    def _sns_record(envelope: dict[str, Any], subscription: str) -> dict[str, Any]:
        fields = ("Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion",
                  "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes")
        sns = {k: envelope.get(k) for k in fields}
        sns["SigningCertUrl"], sns["UnsubscribeUrl"] = sns.pop("SigningCertURL"), sns.pop("UnsubscribeURL")
        sns["MessageAttributes"] = sns["MessageAttributes"] or {}
        return {"EventVersion": "1.0", "EventSubscriptionArn": subscription, "EventSource": "aws:sns", "Sns": sns}

    def send(self, queue: str, body: bytes, attributes: dict[str, str]) -> None:
        self.sqs.send_message(QueueUrl=self.queue_urls[self._queue_name(queue)], MessageBody=body.decode("utf-8"),
                              MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()})

    def _queue_name(self, queue: str) -> str:
        return str(self.plan.get("aws:sqs/queue:Queue", queue).inputs["name"])

    def put_object(self, bucket: str, key: str, body: bytes) -> None:
        self.s3.put_object(Bucket=self.plan.outputs["buckets"][bucket]["name"], Key=key, Body=body)

    def get_object(self, bucket: str, key: str) -> bytes | None:
        try:
            found: bytes = self.s3.get_object(Bucket=self.plan.outputs["buckets"][bucket]["name"], Key=key)["Body"].read()
        except self.s3.exceptions.NoSuchKey:
            return None
        return found

    def run_schedule(self, name: str) -> None:
        schedule = self.plan.get("aws:scheduler/schedule:Schedule", name)
        target = schedule.inputs["target"]
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        payload = target["input"].replace("<aws.scheduler.scheduled-time>", now).replace(
            "<aws.scheduler.execution-id>", str(uuid.uuid4()))
        self._invoke(target["arn"].rsplit(":", 1)[-1], json.loads(payload))

    def dead_letters(self, queue: str) -> list[tuple[bytes, dict[str, str]]]:
        policy = json.loads(self.plan.get("aws:sqs/queue:Queue", queue).inputs["redrivePolicy"])
        url = self.queue_urls[policy["deadLetterTargetArn"].rsplit(":", 1)[-1]]
        messages = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
        return [(m["Body"].encode("utf-8"), {k: v["StringValue"] for k, v in m.get("MessageAttributes", {}).items()})
                for m in messages.get("Messages", [])]

    def close(self) -> None:
        for function in self.functions.values():
            function.close()
