"""Stored records and Codat's query language: parse, compile to SQL, page, wrap in Codat's envelope."""

from __future__ import annotations

from gateway.records.errors import InvalidParameter, QueryError
from gateway.records.listing import Listing, in_order
from gateway.records.query import And, Comparison, Node, Op, Or, OrderBy, parse_order_by, parse_query
from gateway.records.repository import RecordsRepository, StoredRecord, UpsertResult
from gateway.records.schemas import RecordsPage, build_links, build_page
from gateway.records.service import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, check_paging, get_record, list_page
from gateway.records.sql import Compiler, Params, compile_order_by, compile_where
from gateway.records.values import Value, ValueKind

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "And",
    "Comparison",
    "Compiler",
    "InvalidParameter",
    "Listing",
    "Node",
    "Op",
    "Or",
    "OrderBy",
    "Params",
    "QueryError",
    "RecordsPage",
    "RecordsRepository",
    "StoredRecord",
    "UpsertResult",
    "Value",
    "ValueKind",
    "build_links",
    "build_page",
    "check_paging",
    "compile_order_by",
    "compile_where",
    "get_record",
    "in_order",
    "list_page",
    "parse_order_by",
    "parse_query",
]
