"""The list envelope and its _links, checked against Codat's own list responses."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import msgspec
import pytest

import gateway.records as records
from gateway.records import InvalidParameter, build_links, build_page, check_paging

EXAMPLES = Path(__file__).resolve().parents[4] / ".." / "shared" / "reference" / "codat-examples"
LIST_EXAMPLES = sorted(
    p for p in EXAMPLES.glob("*-list-response*.json") if json.loads(p.read_text())["pageNumber"] >= 1
)


@pytest.mark.parametrize("example", LIST_EXAMPLES, ids=[p.name for p in LIST_EXAMPLES])
def test_links_match_codat_examples(example: Path) -> None:
    body = json.loads(example.read_text())
    path = body["_links"]["self"]["href"]
    page = build_page(
        path,
        [msgspec.Raw(json.dumps(r).encode()) for r in body["results"]],
        page=body["pageNumber"],
        page_size=body["pageSize"],
        total=body["totalResults"],
    )
    encoded = json.loads(msgspec.json.encode(page))
    assert encoded["_links"] == body["_links"]
    assert encoded == body  # results embedded verbatim, every envelope field as Codat writes it
    assert list(encoded) == ["results", "pageNumber", "pageSize", "totalResults", "_links"]


def test_middle_page_has_next_and_previous_with_query_and_order_by() -> None:
    links = build_links(
        "/companies/c1/data/bills",
        page=2,
        page_size=10,
        total=25,
        query="{totalAmount > 100 || status=Paid} && supplierRef.id=3",
        order_by="-issueDate",
    )
    encoded = json.loads(msgspec.json.encode(links))
    assert set(encoded) == {"self", "current", "next", "previous"}
    assert encoded["self"] == {"href": "/companies/c1/data/bills"}
    current = urlsplit(encoded["current"]["href"])
    assert current.path == "/companies/c1/data/bills"
    assert current.query.startswith("page=2&pageSize=10&query=%7BtotalAmount%20%3E%20100%20%7C%7C")
    assert parse_qs(current.query) == {
        "page": ["2"],
        "pageSize": ["10"],
        "query": ["{totalAmount > 100 || status=Paid} && supplierRef.id=3"],
        "orderBy": ["-issueDate"],
    }
    assert parse_qs(urlsplit(encoded["next"]["href"]).query)["page"] == ["3"]
    assert parse_qs(urlsplit(encoded["previous"]["href"]).query)["page"] == ["1"]


@pytest.mark.parametrize(
    ("page", "size", "total", "has_next", "has_previous"),
    [(1, 10, 0, False, False), (1, 10, 10, False, False), (1, 10, 11, True, False), (3, 10, 30, False, True)],
)
def test_next_and_previous_presence(
    page: int, size: int, total: int, has_next: bool, has_previous: bool
) -> None:
    links = build_links("/p", page=page, page_size=size, total=total)
    assert (links.next is not None, links.previous is not None) == (has_next, has_previous)


@pytest.mark.parametrize(
    ("page", "size", "parameter"),
    [(0, 100, "page"), (1, 0, "pageSize"), (1, 5001, "pageSize"), (2**31, 1, "page")],
)
def test_paging_limits(page: int, size: int, parameter: str) -> None:
    with pytest.raises(InvalidParameter) as info:
        check_paging(page, size)
    assert info.value.parameter == parameter


def test_paging_limits_accept_the_edges() -> None:
    check_paging(1, 1)
    check_paging(2**31 - 1, 5000)


def test_all_is_sorted_and_complete() -> None:
    assert records.__all__ == sorted(records.__all__, key=lambda n: (not n.isupper(), n))
    for name in records.__all__:
        assert hasattr(records, name), name


def test_a_page_embeds_one_json_array_as_it_is() -> None:
    stored = b'[{"id": "1", "totalAmount": 10.10},{"id": "2"}]'
    page = build_page("/companies/c1/data/bills", msgspec.Raw(stored), page=1, page_size=2, total=3)
    encoded = msgspec.json.encode(page)
    assert encoded.startswith(b'{"results":' + stored + b',"pageNumber":1')
    each = build_page(
        "/companies/c1/data/bills",
        [msgspec.Raw(b'{"id": "1", "totalAmount": 10.10}'), msgspec.Raw(b'{"id": "2"}')],
        page=1,
        page_size=2,
        total=3,
    )
    assert msgspec.json.encode(each) == encoded
    assert (
        json.loads(msgspec.json.encode(build_page("/p", [], page=1, page_size=2, total=0)))["results"] == []
    )
