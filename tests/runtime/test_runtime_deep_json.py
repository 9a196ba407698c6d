"""A request body nested deeper than the JSON parser recurses is a 400 like any malformed body, on every
cloud's shim and locally (issue 17 §6), not a RecursionError answered with a 500."""

from __future__ import annotations

import io
import json
from typing import Any

import azure.functions as func

from portable.runtime import HttpRequest
from portable.runtime.dispatch import Function
from providers.aws import runtime as aws
from providers.azure import runtime as azure
from providers.gcp import runtime as gcp

DEEP = b"[" * 100_000 + b"]" * 100_000
EXPECTED = "HTTP request: body is missing or not JSON nested less deeply"


def parsing(provider: str) -> Function:
    return Function("api", lambda request: {"items": len(request.json())}, provider=provider, log_level="off")


def test_locally() -> None:
    response = parsing("local").http(HttpRequest("POST", "/orders", body=DEEP))
    assert (response.status, response.data["error"]) == (400, EXPECTED)


def test_on_aws() -> None:
    event = {"version": "2.0", "rawPath": "/orders", "body": DEEP.decode(), "isBase64Encoded": False,
             "requestContext": {"http": {"method": "POST", "path": "/orders"}, "requestId": "r-1"}}
    response = aws.LambdaHandler(parsing("aws"))(event, None)
    assert (response["statusCode"], json.loads(response["body"])["error"]) == (400, EXPECTED)


def test_on_gcp() -> None:
    environ: dict[str, Any] = {"REQUEST_METHOD": "POST", "PATH_INFO": "/orders", "QUERY_STRING": "",
                               "CONTENT_LENGTH": str(len(DEEP)), "wsgi.input": io.BytesIO(DEEP)}
    seen: list[str] = []
    body = b"".join(gcp.CloudRunApp(parsing("gcp"))(environ, lambda status, headers: seen.append(status)))
    assert (seen, json.loads(body)["error"]) == (["400 Bad Request"], EXPECTED)


def test_on_azure() -> None:
    request = func.HttpRequest("POST", "https://app.azurewebsites.net/orders", headers={}, body=DEEP)
    response = azure.AzureShim(parsing("azure")).http(request)
    assert (response.status_code, json.loads(response.get_body())["error"]) == (400, EXPECTED)
