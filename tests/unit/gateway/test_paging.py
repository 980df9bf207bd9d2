"""Paging links and the in-memory query evaluator."""

from __future__ import annotations

import pytest

from gateway.errors import InvalidRequest
from gateway.paging import PageRequest, matches
from gateway.records.query import parse_query


def test_links_follow_codat() -> None:
    page = PageRequest(page=2, page_size=10, query="name~a", order_by="-name")
    links = page.links("/companies", total=35)
    assert links.self_.href == "/companies"
    assert links.current.href == "/companies?page=2&pageSize=10&query=name~a&orderBy=-name"
    assert links.next is not None and str(links.next.href).startswith("/companies?page=3&")
    assert links.previous is not None and str(links.previous.href).startswith("/companies?page=1&")
    last = PageRequest(page=4, page_size=10).links("/companies", total=35)
    assert last.next is None
    assert PageRequest(page=1, page_size=10).links("/x", total=10).next is None
    assert PageRequest(page=3, page_size=5).offset == 10


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("key=KNFZ", True),
        ("key!=knfz", False),
        ("name~intacct", True),
        ("count>2", True),
        ("count<=2", False),
        ("count=3", True),
        ("missing=null", True),
        ("name!=null", True),
        ("{key=xero||name~sage}&&count>=3", True),
        ("info.region=uk", True),
        ("info.region~s", False),
    ],
)
def test_matches(query: str, expected: bool) -> None:
    record = {"key": "knfz", "name": "Sage Intacct", "count": 3, "info": {"region": "UK"}}
    assert matches(parse_query(query), record) is expected


def test_bad_query_becomes_invalid_request_naming_the_parameter() -> None:
    with pytest.raises(InvalidRequest) as caught:
        PageRequest(page=1, page_size=1, query="name=").parsed_query()
    assert caught.value.items[0].item_id == "query"
