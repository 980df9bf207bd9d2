"""OpenAPI schemas for types whose wire form Litestar guesses wrong.

Litestar describes every ``Decimal`` as ``{"type": "string"}`` because msgspec's default encoder writes
decimals as strings. The gateway's codec writes money as JSON numbers, as Codat does (``datamodel.types``),
so the document must say ``number``: a client generated from it with strict types (openapi-generator's
``StrictStr``, pydantic models) would otherwise refuse every amount in every response.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from litestar.openapi.spec import Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.plugins import OpenAPISchemaPlugin

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator
    from litestar.typing import FieldDefinition


class DecimalAsNumber(OpenAPISchemaPlugin):
    """``Decimal`` fields are JSON numbers on the wire (``format: decimal`` keeps the exactness hint)."""

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        return value is Decimal

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: SchemaCreator) -> Schema:
        return Schema(type=OpenAPIType.NUMBER, format="decimal")  # type: ignore[arg-type]
