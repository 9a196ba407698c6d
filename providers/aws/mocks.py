"""A fake AWS for ``portable plan``: the outputs AWS would compute (ARNs, URLs, ids), derived from the
inputs so a plan is the same on every run, and answers to the invokes the deploy side makes.

Every output the deploy side chains on must appear here (Pulumi resolves a missing one to ``None``
and drops the inputs built from it): ``arn``, ``invokeArn``, ``version``, ``url``, ``apiEndpoint``,
``executionArn``, ``functionUrl``, ``bucket``, ``name``, ``id``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from portable.naming import short_hash

ACCOUNT = "123456789012"
PARTITION = "aws"

Outputs = Callable[["AwsCloud", str, Mapping[str, Any]], tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class AwsCloud:
    """Fake outputs for the AWS resource types portable creates; other types get an ``id`` and an
    ``arn`` built from their logical name."""

    region: str = "us-east-1"
    account: str = ACCOUNT

    def arn(self, service: str, resource: str, *, regional: bool = True, account: bool = True) -> str:
        return (
            f"arn:{PARTITION}:{service}:{self.region if regional else ''}:{self.account if account else ''}:{resource}"
        )

    def invoke_arn(self, function_arn: str) -> str:
        return f"arn:{PARTITION}:apigateway:{self.region}:lambda:path/2015-03-31/functions/{function_arn}/invocations"

    # -- FakeCloud -------------------------------------------------------------------------------------

    def outputs(self, type_: str, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        make = _OUTPUTS.get(type_)
        if make is not None:
            return make(self, name, inputs)
        service = type_.split(":")[1].split("/")[0] if ":" in type_ else "unknown"
        physical = str(inputs.get("name") or name)
        return physical, {"arn": self.arn(service, physical)}

    def call(self, token: str, args: Mapping[str, Any]) -> dict[str, Any]:
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": self.account, "arn": f"arn:{PARTITION}:iam::{self.account}:user/plan",
                "id": self.account, "userId": "AIDAPLAN",
            }
        if token == "aws:index/getRegion:getRegion":
            return {"id": self.region, "name": self.region, "region": self.region}
        if token == "aws:index/getPartition:getPartition":
            return {"id": PARTITION, "partition": PARTITION, "dnsSuffix": "amazonaws.com"}
        return {}

    def summary(self, type_: str, inputs: Mapping[str, Any]) -> str:
        """The key inputs of a resource in one line: names, sizes, wiring, and policies as
        ``actions on resources``."""
        keys = _KEY_INPUTS.get(type_, ("name",))
        parts = [f"{key}={_short(inputs[key])}" for key in keys if inputs.get(key) not in (None, "", [], {})]
        for key in ("policy", "assumeRolePolicy"):
            if isinstance(inputs.get(key), str):
                parts.append(_policy_summary(inputs[key]))
        return ", ".join(parts)


def _function(cloud: AwsCloud, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    physical = str(inputs.get("name") or name)
    arn = cloud.arn("lambda", f"function:{physical}")
    version = "1" if inputs.get("publish") else "$LATEST"
    return physical, {
        "arn": arn, "invokeArn": cloud.invoke_arn(arn), "version": version, "qualifiedArn": f"{arn}:{version}",
        "name": physical,
    }


def _alias(cloud: AwsCloud, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    arn = cloud.arn("lambda", f"function:{inputs.get('functionName')}:{inputs.get('name')}")
    return arn, {"arn": arn, "invokeArn": cloud.invoke_arn(arn)}


def _function_url(cloud: AwsCloud, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    url_id = short_hash(f"{inputs.get('functionName')}:{inputs.get('qualifier')}", 32)
    return url_id, {"urlId": url_id, "functionUrl": f"https://{url_id}.lambda-url.{cloud.region}.on.aws/"}


def _queue(cloud: AwsCloud, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    physical = str(inputs.get("name") or name)
    url = f"https://sqs.{cloud.region}.amazonaws.com/{cloud.account}/{physical}"
    return url, {"arn": cloud.arn("sqs", physical), "url": url, "name": physical}


def _topic(cloud: AwsCloud, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    arn = cloud.arn("sns", str(inputs.get("name") or name))
    return arn, {"arn": arn}


def _bucket(cloud: AwsCloud, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    prefix = inputs.get("bucketPrefix")
    bucket = str(inputs.get("bucket") or (f"{prefix}{short_hash(str(prefix), 26)}" if prefix else name))
    return bucket, {
        "bucket": bucket, "arn": cloud.arn("s3", bucket, regional=False, account=False),
        "bucketDomainName": f"{bucket}.s3.amazonaws.com",
    }


def _named(service: str, resource: str) -> Outputs:
    """Outputs of a resource whose ARN is ``arn:aws:<service>:<region>:<account>:<resource>`` with
    ``{name}`` the physical name."""

    def outputs(cloud: AwsCloud, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        physical = str(inputs.get("name") or name)
        return physical, {"arn": cloud.arn(service, resource.format(name=physical)), "name": physical}

    return outputs


def _secret(cloud: AwsCloud, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    physical = str(inputs.get("name") or name)
    arn = cloud.arn("secretsmanager", f"secret:{physical}-{short_hash(physical, 6)}")
    return arn, {"arn": arn, "name": physical}


def _role(cloud: AwsCloud, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    physical = str(inputs.get("name") or name)
    return physical, {"arn": cloud.arn("iam", f"role/{physical}", regional=False), "name": physical}


def _api(cloud: AwsCloud, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    api_id = short_hash(str(inputs.get("name") or name), 10)
    return api_id, {
        "apiEndpoint": f"https://{api_id}.execute-api.{cloud.region}.amazonaws.com",
        "executionArn": cloud.arn("execute-api", api_id),
        "arn": cloud.arn("apigateway", f"/apis/{api_id}", account=False),
    }


def _short_id(cloud: AwsCloud, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    return short_hash(name, 7), {}


def _subscription(cloud: AwsCloud, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    arn = f"{inputs.get('topic')}:{short_hash(name, 8)}"
    return arn, {"arn": arn}


_OUTPUTS: dict[str, Outputs] = {
    "aws:lambda/function:Function": _function,
    "aws:lambda/alias:Alias": _alias,
    "aws:lambda/functionUrl:FunctionUrl": _function_url,
    "aws:lambda/eventSourceMapping:EventSourceMapping": _short_id,
    "aws:sqs/queue:Queue": _queue,
    "aws:sns/topic:Topic": _topic,
    "aws:sns/topicSubscription:TopicSubscription": _subscription,
    "aws:s3/bucket:Bucket": _bucket,
    "aws:dynamodb/table:Table": _named("dynamodb", "table/{name}"),
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:cloudwatch/logGroup:LogGroup": _named("logs", "log-group:{name}"),
    "aws:scheduler/schedule:Schedule": _named("scheduler", "schedule/default/{name}"),
    "aws:iam/role:Role": _role,
    "aws:apigatewayv2/api:Api": _api,
    "aws:apigatewayv2/integration:Integration": _short_id,
    "aws:apigatewayv2/route:Route": _short_id,
    "aws:apigatewayv2/stage:Stage": _short_id,
}

_KEY_INPUTS: dict[str, tuple[str, ...]] = {
    "aws:lambda/function:Function": ("name", "runtime", "architectures", "memorySize", "timeout"),
    "aws:lambda/alias:Alias": ("name",),
    "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig": ("provisionedConcurrentExecutions",),
    "aws:lambda/permission:Permission": ("principal", "sourceArn", "functionUrlAuthType"),
    "aws:lambda/eventSourceMapping:EventSourceMapping": ("eventSourceArn", "batchSize", "functionResponseTypes"),
    "aws:lambda/functionUrl:FunctionUrl": ("authorizationType",),
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": ("maximumRetryAttempts", "destinationConfig"),
    "aws:sqs/queue:Queue": ("name", "visibilityTimeoutSeconds", "redrivePolicy"),
    "aws:sns/topic:Topic": ("name",),
    "aws:sns/topicSubscription:TopicSubscription": ("protocol", "endpoint"),
    "aws:s3/bucket:Bucket": ("bucketPrefix",),
    "aws:s3/bucketNotification:BucketNotification": ("lambdaFunctions",),
    "aws:dynamodb/table:Table": ("name", "hashKey", "rangeKey", "billingMode"),
    "aws:secretsmanager/secret:Secret": ("name",),
    "aws:secretsmanager/secretVersion:SecretVersion": ("secretString",),
    "aws:cloudwatch/logGroup:LogGroup": ("name", "retentionInDays"),
    "aws:scheduler/schedule:Schedule": ("name", "scheduleExpression", "scheduleExpressionTimezone"),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ("policyArn",),
    "aws:apigatewayv2/api:Api": ("name", "protocolType"),
    "aws:apigatewayv2/route:Route": ("routeKey", "authorizationType"),
    "aws:apigatewayv2/integration:Integration": ("integrationType", "payloadFormatVersion"),
    "aws:apigatewayv2/stage:Stage": ("name",),
}


def _short(value: Any, limit: int = 80) -> str:
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _policy_summary(text: str) -> str:
    """``Action, Action on Resource`` per statement of an IAM policy document."""
    try:
        document = json.loads(text)
    except ValueError:
        return _short(text)
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    parts = []
    for statement in statements:
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        target = statement.get("Resource") or statement.get("Principal")
        targets = [target] if isinstance(target, str | dict) else target or []
        parts.append(f"{', '.join(actions)} on {', '.join(_short(t, 120) for t in targets)}")
    return "; ".join(parts)
