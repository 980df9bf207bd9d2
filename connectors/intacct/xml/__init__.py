"""Intacct XML codec: envelope building and hardened parsing (no HTTP here)."""

from connectors.intacct.xml.envelope import (
    ControlBlock,
    LoginAuth,
    SessionAuth,
    build_request,
    function_element,
)
from connectors.intacct.xml.redact import redact
from connectors.intacct.xml.response import FunctionResult, Response, parse_response

__all__ = [
    "ControlBlock",
    "FunctionResult",
    "LoginAuth",
    "Response",
    "SessionAuth",
    "build_request",
    "function_element",
    "parse_response",
    "redact",
]
