"""AWS HTTP events: API Gateway HTTP API (payload 2.0) and Function URLs, API Gateway REST (1.0) and
ALB targets -> :class:`HttpRequest`; :class:`HttpResponse` -> the Lambda result of the same format.

Also :func:`lambda_context`, the invocation :class:`Context` every trigger family builds.
"""

from __future__ import annotations

from portable.runtime.context import from_xray
from portable.runtime.errors import EventError, MalformedEvent, UnsupportedEvent
from portable.runtime.http import HttpRequest, HttpResponse
from portable.runtime.multidict import Headers, MultiDict
from portable.runtime.payload import b64encode
from portable.runtime.urlcode import unquote

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from portable.runtime.context import Context
    from portable.runtime.dispatch import Function

V2, V1, ALB, ALB_MULTI = "v2", "v1", "alb", "alb-multi"
_from_parts = HttpRequest.from_parts


def lambda_context(fn: Function, lambda_ctx: Any, traceparent: str | None) -> Context:
    """The Context of one invocation of ``fn`` (``lambda_ctx``: the Lambda context object)."""
    request_id = getattr(lambda_ctx, "aws_request_id", None)
    return fn.context(request_id if type(request_id) is str else "", traceparent,
                      getattr(lambda_ctx, "get_remaining_time_in_millis", None), None, lambda_ctx)


def http_format(event: Mapping[str, Any]) -> str:
    """Which HTTP payload ``event`` is: ``v2`` (HTTP API, Function URL), ``v1`` (REST), ``alb``, ``alb-multi``."""
    rc = event.get("requestContext")
    if type(rc) is dict:
        if "http" in rc:
            return V2
        if "elb" in rc:
            return ALB_MULTI if "multiValueHeaders" in event else ALB
    if event.get("version") == "2.0":
        return V2
    return V1


def _v2_request(event: Mapping[str, Any], rc: Mapping[str, Any]) -> HttpRequest:
    try:
        http = rc["http"]
        method = http["method"]
        path = event.get("rawPath") or http["path"]
    except (KeyError, TypeError):
        raise MalformedEvent("API Gateway v2 request", "requestContext.http.method/path") from None
    if type(method) is not str or type(path) is not str:
        raise MalformedEvent("API Gateway v2 request", "requestContext.http.method/path", "a string")
    if "%" in path:
        path = unquote(path)
    stage = rc.get("stage")
    if stage and stage != "$default" and type(stage) is str and path.startswith(f"/{stage}/"):
        path = path[len(stage) + 1:]
    raw_query = event.get("rawQueryString")  # one source for every read (queryStringParameters folds values)
    query = MultiDict(raw_query if type(raw_query) is str else event.get("queryStringParameters"))
    cookies = event.get("cookies")
    if cookies is not None and type(cookies) is not list:
        raise MalformedEvent("API Gateway v2 request", "cookies", "a list")
    headers = event.get("headers")
    if headers is not None and type(headers) is not dict:
        raise MalformedEvent("API Gateway v2 request", "headers", "an object")
    params = event.get("pathParameters")
    request_id = rc.get("requestId")
    route_key = rc.get("routeKey")
    return _from_parts(
        method, path, query, Headers(headers), event.get("body"), event.get("isBase64Encoded") is True, cookies,
        params if type(params) is dict else {}, http.get("sourceIp"), request_id if type(request_id) is str else "",
        route_key if type(route_key) is str and route_key != "$default" else None, event,
    )


def _alb_query(event: Mapping[str, Any]) -> str:
    """ALB passes query values still percent-encoded: rebuild the query string, decode it once."""
    multi = event.get("multiValueQueryStringParameters")
    if type(multi) is dict:
        return "&".join(f"{k}={v}" for k, vs in multi.items() for v in (vs if type(vs) is list else [vs]))
    single = event.get("queryStringParameters")
    if type(single) is dict:
        return "&".join(f"{k}={v}" for k, v in single.items())
    return ""


def _v1_request(event: Mapping[str, Any], fmt: str) -> HttpRequest:
    what = "ALB request" if fmt in (ALB, ALB_MULTI) else "API Gateway REST request"
    method = event.get("httpMethod")
    path = event.get("path")
    if type(method) is not str or type(path) is not str:
        raise MalformedEvent(what, "httpMethod/path", "a string")
    headers = event.get("multiValueHeaders") or event.get("headers")
    if headers is not None and type(headers) is not dict:
        raise MalformedEvent(what, "headers", "an object")
    rc = event.get("requestContext")
    rc = rc if type(rc) is dict else {}
    if fmt == V1:
        query: Any = event.get("multiValueQueryStringParameters") or event.get("queryStringParameters")
        identity = rc.get("identity")
        source_ip = identity.get("sourceIp") if type(identity) is dict else None
        request_id = rc.get("requestId")
        path_params = event.get("pathParameters")
    else:
        if "%" in path:
            path = unquote(path)
        query = _alb_query(event)
        source_ip = request_id = path_params = None
    request = HttpRequest(
        method, path, query=query, headers=headers, body=event.get("body"),
        base64_body=event.get("isBase64Encoded") is True, source_ip=source_ip,
        request_id=request_id if type(request_id) is str else "", raw=event,
    )
    if source_ip is None:
        forwarded = request.headers.get("x-forwarded-for")
        request.source_ip = forwarded.split(",")[0].strip() if forwarded else None
    if type(path_params) is dict:
        request.path_params = {k: v for k, v in path_params.items() if type(v) is str}
    resource = event.get("resource")
    if fmt == V1 and type(resource) is str:
        request.route = f"{method} {resource}"
    return request


def http_request(event: Mapping[str, Any]) -> HttpRequest:
    """The neutral request of an API Gateway (v1, v2), Function URL or ALB event."""
    fmt = http_format(event)
    if fmt == V2:
        rc = event.get("requestContext")
        return _v2_request(event, rc if type(rc) is dict else {})
    return _v1_request(event, fmt)


def _v2_response(response: HttpResponse) -> dict[str, Any]:
    ct, text, others = response.parts()
    headers = {"content-type": ct} if ct is not None else {}
    out: dict[str, Any] = {
        "statusCode": response.status, "headers": headers,
        "body": b64encode(response.body) if text is None else text,
        "isBase64Encoded": text is None,
    }
    for name, values in others.items():
        if name == "set-cookie":
            out["cookies"] = values
        else:
            headers[name] = ",".join(values)
    return out


def _multi_response(response: HttpResponse, fmt: str) -> dict[str, Any]:
    ct, text, lists = response.parts()
    body, b64 = (b64encode(response.body), True) if text is None else (text, False)
    if ct is not None:
        lists = {"content-type": [ct], **lists}
    out: dict[str, Any] = {"statusCode": response.status, "body": body, "isBase64Encoded": b64}
    if fmt == ALB:  # multi-value headers off: one value per name (the last Set-Cookie wins)
        out["headers"] = {k: vs[-1] if k == "set-cookie" else ",".join(vs) for k, vs in lists.items()}
    else:
        out["multiValueHeaders"] = lists
        if fmt == V1:
            out["headers"] = {k: vs[-1] for k, vs in lists.items() if len(vs) == 1}
    if fmt in (ALB, ALB_MULTI):
        from http import HTTPStatus

        try:
            phrase = HTTPStatus(response.status).phrase
        except ValueError:
            phrase = ""
        out["statusDescription"] = f"{response.status} {phrase}".strip()
    return out


def http_response(response: HttpResponse, fmt: str = V2) -> dict[str, Any]:
    """The Lambda result for ``response`` in the payload format ``fmt`` of the request."""
    return _v2_response(response) if fmt == V2 else _multi_response(response, fmt)


def handle_http(fn: Function, event: dict[str, Any], lambda_ctx: Any) -> dict[str, Any]:
    """Run ``fn`` for an HTTP event; the Lambda result (never raises: a bad request is a 400)."""
    rc = event.get("requestContext")
    fmt = V2 if type(rc) is dict and "http" in rc else http_format(event)
    try:
        request = _v2_request(event, rc) if fmt == V2 else _v1_request(event, fmt)  # type: ignore[arg-type]
        headers = request.headers
        traceparent = headers.get("traceparent") or from_xray(headers.get("x-amzn-trace-id"))
    except EventError as e:
        if type(rc) is dict and "serviceNetworkArn" in rc:  # VPC Lattice: not an HTTP trigger of portable's
            raise UnsupportedEvent("VPC Lattice events are not a portable trigger; portable handles HTTP requests "
                                   "from API Gateway, Function URLs and ALB") from None
        return http_response(fn.reject(e, lambda_context(fn, lambda_ctx, None)), fmt)
    response = fn.http(request, lambda_context(fn, lambda_ctx, traceparent))
    return _v2_response(response) if fmt == V2 else _multi_response(response, fmt)
