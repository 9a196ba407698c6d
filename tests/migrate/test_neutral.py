"""The neutral item form: lossless both ways, canonical hashes equal across representations of the
same values, exact JSON numbers for the local and Azure tables; and the provider hook's error for a
provider without a data plane."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portable.dataplane import (
    Side,
    canonical,
    decode_item,
    encode_item,
    from_json,
    item_hash,
    json_unstorable,
    number,
    rechunk,
    to_json,
)
from portable.errors import PortableError
from portable.model import Stack
from portable.provider import Provider

numbers = st.one_of(st.integers(min_value=-(10**60), max_value=10**60),
                    st.decimals(allow_nan=False, allow_infinity=False, places=25).map(number))
scalars = st.one_of(st.none(), st.booleans(), st.text(max_size=8), numbers, st.binary(max_size=8))
sets = st.one_of(st.frozensets(st.text(max_size=4), min_size=1, max_size=3).map(set),
                 st.frozensets(st.integers(), min_size=1, max_size=3).map(set),
                 st.frozensets(st.binary(max_size=4), min_size=1, max_size=3).map(set))
values = st.recursive(st.one_of(scalars, sets), lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)), max_leaves=12)
items = st.dictionaries(st.text(min_size=1, max_size=6), values, max_size=5)


@given(items)
def test_typed_json_round_trips_every_item(item: dict[str, object]) -> None:
    assert decode_item(encode_item(item)) == item
    assert item_hash(decode_item(encode_item(item))) == item_hash(item)


@given(items)
def test_json_text_keeps_every_number_exactly(item: dict[str, object]) -> None:
    if json_unstorable(item, "here") is None:
        assert item_hash(from_json(to_json(item))) == item_hash(item)


def test_numbers_compare_by_value_and_keep_every_digit() -> None:
    assert number(5.0) == 5 and isinstance(number(5.0), int)
    assert number(0.1) == Decimal("0.1")
    assert item_hash({"n": 5}) == item_hash({"n": Decimal("5.00")}) == item_hash({"n": 5.0})
    assert item_hash({"n": 5}) != item_hash({"n": "5"})
    long = Decimal("3.14159265358979323846264338327950288419716939937510")
    assert canonical({"pi": long}) == '{"pi":{"N":"3.1415926535897932384626433832795028841971693993751"}}'
    assert to_json({"pi": long, "big": 2**80}) == '{"pi":3.1415926535897932384626433832795028841971693993751,' \
        '"big":1208925819614629174706176}'


def test_sets_hash_the_same_in_any_order() -> None:
    assert item_hash({"s": {"b", "a", "c"}}) == item_hash({"s": {"c", "a", "b"}})
    assert encode_item({"s": {3, 1, 2}}) == {"s": {"NS": ["1", "2", "3"]}}


def test_rechunk_makes_parts_of_one_size() -> None:
    assert list(rechunk([b"abc", b"de", b"fghij"], 4)) == [b"abcd", b"efgh", b"ij"]
    assert list(rechunk([], 4)) == [b""]


class Bare(Provider):
    name = "bare"
    title = "Bare"


Bare.__module__ = "acme_cloud.provider"  # a third-party provider package that ships no dataplane module


def test_a_provider_without_a_data_plane_says_so(tmp_path: Path) -> None:
    with pytest.raises(PortableError) as raised:
        Bare().data_plane(Stack("shop"), Side("bare", tmp_path))
    assert str(raised.value) == ("Provider 'bare' has no data plane (acme_cloud.dataplane does not exist), so "
                                 "portable migrate cannot move its data")
