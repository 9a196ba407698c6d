"""HttpApi: the stack's one API Gateway HTTP API, routing each Http trigger to its function.

Children: ``api``; ``access_logs`` (a log group with retention) and the ``$default`` ``stage``
(auto-deployed, JSON access logs); per function an ``integration`` (AWS_PROXY, payload 2.0); per
route a ``route`` (``AWS_IAM`` authorization unless the trigger is public) and the ``permission``
letting this API, on that method and path only, invoke the function. Functions whose timeout is
above API Gateway's limit are served by their Function URL instead (see ``uses_function_url``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from portable.model import Http
from providers.aws.deploy.component import AwsComponent
from providers.aws.deploy.function import API_GATEWAY_TIMEOUT, LOG_RETENTION_DAYS, Function
from providers.aws.deploy.names import Names

ACCESS_LOG_FORMAT = json.dumps({
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "requestTime": "$context.requestTime",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
    "integrationLatency": "$context.integrationLatency",
    "integrationError": "$context.integrationErrorMessage",
})

_PARAMETER = re.compile(r"\{[^/]+\}")


def source_path(route: Http) -> str:
    """The ``<method>/<path>`` part of the execute-api ARN a route is invoked from; parameters are ``*``.

    >>> source_path(Http("GET", "/orders/{order_id}"))
    'GET/orders/*'
    >>> source_path(Http("ANY", "/"))
    '*/'
    """
    method = "*" if route.method == "ANY" else route.method
    return f"{method}{_PARAMETER.sub('*', route.path)}"


class HttpApi(AwsComponent):
    """``portable:aws:HttpApi``: ``api``, ``access_logs``, ``stage``, and by function name the
    ``integrations``; by ``"<function> <METHOD> <path>"`` the ``routes`` and ``permissions``."""

    concept = "HttpApi"

    def __init__(
        self,
        name: str,
        functions: Sequence[Function],
        *,
        names: Names,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(name, opts)
        self.api = aws.apigatewayv2.Api(name, name=names.api(), protocol_type="HTTP", opts=self.child())
        self.access_logs = aws.cloudwatch.LogGroup(
            f"{name}-access-logs", name=names.access_log_group(), retention_in_days=LOG_RETENTION_DAYS,
            opts=self.child(),
        )
        self.stage = aws.apigatewayv2.Stage(
            f"{name}-stage", api_id=self.api.id, name="$default", auto_deploy=True,
            access_log_settings={"destination_arn": self.access_logs.arn, "format": ACCESS_LOG_FORMAT},
            opts=self.child(),
        )
        self.integrations: dict[str, aws.apigatewayv2.Integration] = {}
        self.routes: dict[str, aws.apigatewayv2.Route] = {}
        self.permissions: dict[str, aws.lambda_.Permission] = {}
        for function in functions:
            self._serve(function)
        self.exports = {"url": self.api.api_endpoint}
        self.finish()

    def _serve(self, function: Function) -> None:
        prefix = f"{self.portable_name}-{function.portable_name}"
        timeout = min(function.model.timeout, API_GATEWAY_TIMEOUT)
        integration = self.integrations[function.portable_name] = aws.apigatewayv2.Integration(
            f"{prefix}-integration", api_id=self.api.id, integration_type="AWS_PROXY",
            integration_uri=function.invoke_arn, integration_method="POST", payload_format_version="2.0",
            timeout_milliseconds=timeout * 1000, opts=self.child(),
        )
        target = integration.id.apply(lambda integration_id: f"integrations/{integration_id}")
        for route in function.model.http_triggers:
            key = f"{function.portable_name} {route.route}"
            logical = f"{prefix}-{route.method.lower()}{route.path}"
            self.routes[key] = aws.apigatewayv2.Route(
                logical, api_id=self.api.id, route_key=route.route, target=target,
                authorization_type="NONE" if route.public else "AWS_IAM", opts=self.child(),
            )
            self.permissions[key] = function.allow_invoke(
                f"{logical}-invoke", principal="apigateway.amazonaws.com", parent=self,
                source_arn=pulumi.Output.concat(self.api.execution_arn, "/*/", source_path(route)),
            )
