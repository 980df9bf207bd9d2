"""The error table: each Intacct error number / status / text maps to the right action and class."""

from __future__ import annotations

import pytest

from connectors.errors import (
    ConnectorConfigError,
    ConnectorError,
    ConnectorNotFoundError,
    ConnectorProtocolError,
    ConnectorRejectedError,
    ConnectorTransientError,
    UpstreamError,
)
from connectors.intacct.errors import (
    RULES,
    Action,
    IntacctDuplicateError,
    IntacctRateLimited,
    Level,
    clean_text,
    diagnose,
)

BANK_LINE = (
    "The account number 1010 is associated to the Bank account BOA-CHK "
    "Enter an account number on line item 2 in transaction 'Bill-17', "
    "that's not associated with any bank account, and try again [Support ID: abc]"
)
WRAPPER = UpstreamError("BL01001973", description2="Could not create Document record!")
ROLLED_BACK = UpstreamError(
    "XL03000009",
    description2="The entire transaction in this operation has been rolled back due to an error.",
)


@pytest.mark.parametrize(
    ("errors", "level", "status", "action", "cls", "words"),
    [
        (
            [UpstreamError("XL03000006", description2="Sign-in information is incorrect")],
            "authentication",
            None,
            Action.FIX_CREDENTIALS,
            ConnectorConfigError,
            "user id and password",
        ),
        (
            [UpstreamError("XMLGW_JPP0002", description="Sign-in information is incorrect. Please check.")],
            "control",
            401,
            Action.FIX_CREDENTIALS,
            ConnectorConfigError,
            "sender id",
        ),
        (
            [UpstreamError("UJPP0002", description="Sign-in information is incorrect.")],
            "control",
            401,
            Action.FIX_CREDENTIALS,
            ConnectorConfigError,
            "company id",
        ),
        (
            [UpstreamError("XL03000006", description2="Invalid Web Services Authorization")],
            "authentication",
            None,
            Action.FIX_CREDENTIALS,
            ConnectorConfigError,
            "web services authorizations",
        ),
        (
            [UpstreamError("XL03000006", description2="Incorrect Intacct XML Partner ID or password.")],
            "control",
            None,
            Action.FIX_CREDENTIALS,
            ConnectorConfigError,
            "sender id or password",
        ),
        (
            [UpstreamError("PL04000055", description2="This company is a demo company and has expired.")],
            "control",
            None,
            Action.FIX_CONFIGURATION,
            ConnectorConfigError,
            "demo company",
        ),
        (
            [UpstreamError("BL03002112", description2=BANK_LINE), WRAPPER],
            "result",
            None,
            Action.FIX_DATA,
            ConnectorRejectedError,
            "not linked to a bank account",
        ),
        (
            [WRAPPER, UpstreamError("BL01001973", description2="Invalid Vendor 'V9' specified.")],
            "result",
            None,
            Action.FIX_DATA,
            ConnectorRejectedError,
            "invalid vendor 'v9'",
        ),
        (
            [
                UpstreamError("BL01001973", description2="Invalid Project '10064' specified."),
                WRAPPER,
                WRAPPER,
            ],
            "result",
            None,
            Action.FIX_DATA,
            ConnectorRejectedError,
            "invalid project '10064'",
        ),
        ([WRAPPER], "result", None, Action.SEE_OTHER_ERROR, ConnectorRejectedError, "could not create"),
        (
            [UpstreamError("Foo", description2="API rate limit exceeded")],
            "result",
            None,
            Action.RETRY_LATER,
            IntacctRateLimited,
            "rate limit",
        ),
        (
            [UpstreamError("GW-0010", description="Too many requests [Request ID: X]")],
            "control",
            429,
            Action.RETRY_LATER,
            IntacctRateLimited,
            "throttling",
        ),
        ([], "http", 429, Action.RETRY_LATER, IntacctRateLimited, "429"),
        (
            [UpstreamError(None, description2="The Service is Temporarily Off-line")],
            "result",
            None,
            Action.RETRY_LATER,
            ConnectorTransientError,
            "off-line",
        ),
        ([], "http", 503, Action.RETRY_LATER, ConnectorTransientError, "http 503"),
        ([ROLLED_BACK], "result", None, Action.SEE_OTHER_ERROR, ConnectorRejectedError, "another function"),
        (
            [UpstreamError("DL02000001", description2="There was an error processing the request.")],
            "result",
            None,
            Action.RETRY_READ_ONCE,
            ConnectorProtocolError,
            "dl02000001",
        ),
        (
            [
                UpstreamError(
                    "BL34000061", description2="Another Class with the given value(s) UT01  already exists"
                )
            ],
            "result",
            None,
            Action.LOOK_UP,
            IntacctDuplicateError,
            "already exists",
        ),
        (
            [UpstreamError("PL05000104", description2="Vendor already exists")],
            "result",
            None,
            Action.LOOK_UP,
            IntacctDuplicateError,
            "already exists",
        ),
        (
            [
                UpstreamError(
                    "BL03002185", description2="A transaction with the number 'INV-1' already exists."
                )
            ],
            "result",
            None,
            Action.FIX_DATA,
            ConnectorRejectedError,
            "another number",
        ),
        (
            [UpstreamError(None, description2="You do not have permission for API operations")],
            "result",
            None,
            Action.FIX_CREDENTIALS,
            ConnectorConfigError,
            "permission",
        ),
        (
            [UpstreamError(None, description2="Please provide a payment batch key.")],
            "result",
            None,
            Action.FIX_CONFIGURATION,
            ConnectorConfigError,
            "automatic payment summaries",
        ),
        (
            [UpstreamError("BL01001973", description2="Cannot find class with key 'UT01' to delete.")],
            "result",
            None,
            Action.NOT_FOUND,
            ConnectorNotFoundError,
            "does not exist",
        ),
        (
            [UpstreamError("Query Failed", description2="Object definition VENDOR9 not found")],
            "result",
            None,
            Action.FIX_REQUEST,
            ConnectorProtocolError,
            "vendor9",
        ),
        (
            [UpstreamError("XL03000006", description2="The following fields cannot be queried: [ x: [Y] ]")],
            "result",
            None,
            Action.FIX_REQUEST,
            ConnectorProtocolError,
            "cannot query",
        ),
        ([], "http", 404, Action.FIX_CONFIGURATION, ConnectorConfigError, "endpoint url"),
        ([], "http", 200, Action.FIX_REQUEST, ConnectorProtocolError, "not an intacct response"),
    ],
)
def test_table(
    errors: list[UpstreamError],
    level: Level,
    status: int | None,
    action: Action,
    cls: type[ConnectorError],
    words: str,
) -> None:
    diagnosis = diagnose(errors, level=level, status=status)
    assert diagnosis.action is action
    assert type(diagnosis.error) is cls
    assert words in diagnosis.error.message.lower()
    assert diagnosis.error.errors == errors
    assert "Support ID" not in diagnosis.error.message


def test_bank_linked_account_names_the_line_field() -> None:
    diagnosis = diagnose([UpstreamError("BL03002112", description2=BANK_LINE), WRAPPER], level="result")
    (issue,) = diagnosis.error.issues
    assert issue.field == "lineItems[1].accountRef.id"
    assert issue.upstream_code == "BL03002112"
    assert "associated to the Bank account" in issue.message


def test_bank_linked_text_without_number_is_recognised() -> None:
    diagnosis = diagnose([UpstreamError("BL01001973", description2=BANK_LINE)], level="result")
    assert diagnosis.action is Action.FIX_DATA
    assert diagnosis.error.issues[0].field == "lineItems[1].accountRef.id"


def test_rolled_back_is_not_a_session_problem_and_defers_to_the_real_error() -> None:
    alone = diagnose([ROLLED_BACK], level="result", note="function f2 failed: Invalid Vendor")
    assert "session" not in alone.error.message.lower()
    assert "function f2 failed" in alone.error.message
    combined = diagnose(
        [UpstreamError("BL01001973", description2="Invalid Customer 'C9' specified."), ROLLED_BACK],
        level="result",
    )
    assert combined.action is Action.FIX_DATA
    assert combined.error.issues[0].field == "customerRef.id"


def test_duplicate_controlid_carries_the_controlid() -> None:
    text = "A successful transaction has already been recorded with the control id bill-42:create"
    diagnosis = diagnose(
        [UpstreamError("XL03000006", description2=text)], level="result", controlid="bill-42:create"
    )
    error = diagnosis.error
    assert diagnosis.action is Action.LOOK_UP
    assert isinstance(error, IntacctDuplicateError)
    assert error.controlid == "bill-42:create"
    assert error.record_exists is False


def test_record_exists_duplicate_is_flagged() -> None:
    error = diagnose(
        [UpstreamError("BL34000061", description2="Another record exists")], level="result"
    ).error
    assert isinstance(error, IntacctDuplicateError) and error.record_exists


def test_closed_period_names_the_date() -> None:
    text = "Periods are closed. Your transaction date (06/30/2015) is within a period that's been closed."
    error = diagnose([UpstreamError(None, description2=text)], level="result").error
    assert error.issues[0].field == "issueDate"


def test_unknown_errors_fall_back_by_level() -> None:
    unknown = [UpstreamError("ZZ999", description2="Something new")]
    assert type(diagnose(unknown, level="control").error) is ConnectorConfigError
    assert type(diagnose(unknown, level="authentication").error) is ConnectorConfigError
    assert type(diagnose(unknown, level="result").error) is ConnectorRejectedError
    assert "Something new" in diagnose(unknown, level="result").error.message


def test_clean_text_strips_support_and_request_ids() -> None:
    assert clean_text("Bad thing [Support ID: Espp%7EZ]") == "Bad thing"
    assert clean_text("Invalid Request [Request ID: AC47C2BE:D9EE]") == "Invalid Request"


def test_table_is_well_formed() -> None:
    assert all(rule.message for rule in RULES)
    last = RULES[-1]
    assert not last.codes and not last.statuses and last.text is None and not last.levels
    assert all(issubclass(rule.error_class, ConnectorError) for rule in RULES)
