"""The one JSON codec every layer uses for unified-model bodies.

Why one module: Codat puts amounts on the wire as JSON *numbers*, and the model holds them as ``Decimal``.
msgspec's default is to write ``Decimal`` as a string, and a plain ``json.loads`` would turn ``0.1`` into a
float. Both mistakes are silent, so the settings live here once:

* ``encode_json`` writes ``Decimal`` as a JSON number with its exact digits (``decimal_format="number"``);
* ``decode_json`` decodes into a type; ``Decimal`` fields read the number's text exactly, and any number that
  lands in an untyped place (``Any``: ``supplementalData`` content, a push operation's ``data``) becomes a
  ``Decimal`` too (``float_hook=Decimal``), so no float ever appears;
* ``decode_json_untyped`` is the same for "just give me the JSON value";
* ``to_builtins``/``convert`` move between Structs and dict/list trees (e.g. a JSONB row), keeping
  ``Decimal`` values as ``Decimal``.

Errors are msgspec's own: ``msgspec.DecodeError`` for malformed JSON and its subclass
``msgspec.ValidationError`` for a wrong shape, whose message names the path, e.g.
"Expected `str`, got `int` - at `$.lineItems[0].description`".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final, TypeVar, overload

import msgspec

__all__ = [
    "DecodeError",
    "ValidationError",
    "convert",
    "decode_json",
    "decode_json_untyped",
    "encode_json",
    "to_builtins",
]

T = TypeVar("T")

DecodeError = msgspec.DecodeError
ValidationError = msgspec.ValidationError

_ENCODER: Final = msgspec.json.Encoder(decimal_format="number")
_UNTYPED: Final = msgspec.json.Decoder(float_hook=Decimal)
_DECODERS: dict[Any, msgspec.json.Decoder[Any]] = {}


def encode_json(obj: Any) -> bytes:
    """Serialise a Struct (or any msgspec-encodable value) to JSON bytes, ``Decimal`` as numbers."""
    return _ENCODER.encode(obj)


def _decoder(tp: Any) -> msgspec.json.Decoder[Any]:
    decoder = _DECODERS.get(tp)
    if decoder is None:
        decoder = msgspec.json.Decoder(tp, float_hook=Decimal)
        _DECODERS[tp] = decoder
    return decoder


@overload
def decode_json(data: bytes | str, tp: type[T]) -> T: ...
@overload
def decode_json(data: bytes | str, tp: Any) -> Any: ...
def decode_json(data: bytes | str, tp: Any) -> Any:
    """Decode JSON into ``tp`` strictly (unknown fields, wrong types and bad values raise).

    ``tp`` may be a Struct, a generic alias such as ``dict[str, DataStatus]`` or ``list[Bill]``.
    """
    return _decoder(tp).decode(data)


def decode_json_untyped(data: bytes | str) -> Any:
    """Decode JSON into dict/list/str/bool/None with every non-integer number as ``Decimal``."""
    return _UNTYPED.decode(data)


def to_builtins(obj: Any) -> Any:
    """A Struct as a dict/list tree with wire (camelCase) keys; ``Decimal`` stays ``Decimal``."""
    return msgspec.to_builtins(obj, builtin_types=(Decimal,))


@overload
def convert(obj: Any, tp: type[T]) -> T: ...
@overload
def convert(obj: Any, tp: Any) -> Any: ...
def convert(obj: Any, tp: Any) -> Any:
    """Build ``tp`` from a dict/list tree keyed by wire names, with the same checks as ``decode_json``.

    Floats are accepted for ``Decimal`` fields and converted through their shortest repr (``0.1`` →
    ``Decimal("0.1")``), but prefer ``decode_json`` on the raw bytes where they exist.
    """
    return msgspec.convert(obj, tp)
