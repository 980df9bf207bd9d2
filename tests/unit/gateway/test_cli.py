"""The `gateway` command line: sub-commands parse, sandbox instructions are complete."""

from __future__ import annotations

import json

import pytest

from gateway.cli import _sandbox_instructions, build_parser
from gateway.settings import HttpSettings, Settings


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["serve"], {"host": None, "port": None, "sandbox": False}),
        (
            ["serve", "--host", "0.0.0.0", "--port", "9000", "--sandbox"],
            {"host": "0.0.0.0", "port": 9000, "sandbox": True},
        ),
        (["tenants", "create", "acme"], {"name": "acme"}),
        (["db", "upgrade"], {"action": "upgrade"}),
        (["openapi"], {"output": "openapi/openapi.json"}),
        (["sandbox", "serve", "--port", "8100"], {"port": 8100}),
    ],
)
def test_commands_parse(argv: list[str], expected: dict[str, object]) -> None:
    args = build_parser().parse_args(argv)
    for key, value in expected.items():
        assert getattr(args, key) == value
    assert callable(args.handler)


def test_unknown_or_incomplete_commands_exit_with_usage() -> None:
    for argv in ([], ["tenants"], ["tenants", "create"], ["frobnicate"]):
        with pytest.raises(SystemExit) as caught:
            build_parser().parse_args(argv)
        assert caught.value.code == 2


def test_sandbox_instructions_end_with_the_key_and_carry_a_valid_body() -> None:
    settings = Settings(http=HttpSettings(host="127.0.0.1", port=8123))
    text = _sandbox_instructions(settings, "gwk_example")
    assert text.splitlines()[-1] == "gwk_example"
    start, end = text.index("{\n"), text.index("\n}") + 2
    body = json.loads(text[start:end])
    assert body == {
        "senderId": "demo-sender",
        "senderPassword": "demo-sender-pw",
        "companyId": "DEMO",
        "userId": "demo-user",
        "userPassword": "demo-user-pw",
        "endpointUrl": "http://localhost:8123/sandbox/intacct/ia/xml/xmlgw.phtml",
    }
