"""The fast lookups agree with the general ones: routes without ``{name+}`` are matched by comparing
segments, the regex serves the others; a query string without escapes answers ``get`` by search,
``parse_query`` serves the rest."""

from __future__ import annotations

import random

from portable.runtime.multidict import MultiDict
from portable.runtime.routes import Router
from portable.runtime.urlcode import parse_query

SEGMENTS = ["orders", "items", "{id}", "{name}", "a.b", "x"]
PATH_PARTS = ["orders", "items", "1", "", "a.b", "aXb", "x", "42"]
METHODS = ["GET", "POST", "HEAD", "PUT", "DELETE"]


def test_segment_matching_agrees_with_the_regex() -> None:
    rng = random.Random(1)
    for _ in range(2000):
        routes = [[rng.choice(["GET", "POST", "ANY"]), "/" + "/".join(rng.choice(SEGMENTS) for _ in range(rng.randint(1, 3)))]
                  for _ in range(rng.randint(1, 4))]
        # a {rest+} route under a prefix no path uses sends every method through the regex
        by_regex = Router(routes + [[m, "/never-used/{rest+}"] for m in ("GET", "POST", "ANY", "PUT", "DELETE")])
        by_segments = Router(routes)
        for _ in range(20):
            path = "/" + "/".join(rng.choice(PATH_PARTS) for _ in range(rng.randint(0, 4))) + rng.choice(["", "/", "//"])
            if rng.random() < 0.05:
                path = path.lstrip("/")
            method = rng.choice(METHODS)
            found, expected = by_segments.match(method, path), by_regex.match(method, path)
            assert found == expected, (routes, method, path)


def test_duplicate_parameter_names_need_every_segment() -> None:
    router = Router([["ANY", "/{name}/{name}/items"]])
    assert router.match("GET", "//b/items") == (None, {}, ())
    assert router.match("GET", "/a/b/items") == ("ANY /{name}/{name}/items", {"name": "b"}, ())


def test_query_get_agrees_with_parse_query() -> None:
    rng = random.Random(2)
    parts = ["a", "b", "ab", "a=", "=x", "a=1", "b=2", "a=3", "ab=4", "", "c=a=b", "x%20y=1", "q=+", "z"]
    for _ in range(5000):
        query = "&".join(rng.choice(parts) for _ in range(rng.randint(0, 5)))
        parsed = parse_query(query)
        for name in ["a", "b", "ab", "c", "", "x y", "q", "z", "=", "a="]:
            values = parsed.get(name)
            assert MultiDict(query).get(name) == (values[0] if values else None), (query, name)
