"""Field-for-field conformance with Codat's schema (codat.md §1) and the official SDKs' models.

For every table the reference gives, the matching Struct must have each field under its wire name, a field
the table marks required must have no default (so a body without it is refused and a response cannot be
built without it: the SDKs reject responses missing a required field), and a nullable field must keep an
explicit ``null`` apart from "absent" (default ``UNSET``, ``None`` accepted).
"""

from __future__ import annotations

import types
import typing
from typing import Any

import msgspec
import pytest

import datamodel as dm
from datamodel._checked import CheckedModel
from tests.unit.datamodel._reference import FieldFact, codat_tables, sdk_models

SDK_TO_MODEL: dict[str, Any] = {
    "Account": dm.Account,
    "AccountRef": dm.AccountRef,
    "AccountingAddress": dm.Address,
    "AccountingPaymentAllocation": dm.PaymentAllocation,
    "Attachment": dm.Attachment,
    "Bill": dm.Bill,
    "BillCreditNote": dm.BillCreditNote,
    "BillCreditNoteLineItem": dm.BillCreditNoteLineItem,
    "BillLineItem": dm.BillLineItem,
    "BillPayment": dm.BillPayment,
    "BillPaymentLine": dm.BillPaymentLine,
    "BillPaymentLineLink": dm.BillPaymentLineLink,
    "Bills": dm.Bills,
    "CreateBillPaymentResponse": dm.PushOperation,
    "CreateBillResponse": dm.PushOperation,
    "CreateInvoiceResponse": dm.PushOperation,
    "CreditNote": dm.CreditNote,
    "CreditNoteLineItem": dm.CreditNoteLineItem,
    "Customer": dm.Customer,
    "DataStatus": dm.DataStatus,
    "DirectIncome": dm.DirectIncome,
    "DirectIncomeLineItem": dm.DirectIncomeLineItem,
    "ErrorMessage": dm.ErrorMessage,
    "ErrorValidation": dm.ErrorValidation,
    "ErrorValidationItem": dm.ErrorValidationItem,
    "HalRef": dm.HalRef,
    "Invoice": dm.Invoice,
    "InvoiceLineItem": dm.InvoiceLineItem,
    "Invoices": dm.Invoices,
    "Item": dm.Item,
    "ItemRef": dm.ItemRef,
    "Journal": dm.Journal,
    "JournalEntry": dm.JournalEntry,
    "Links": dm.Links,
    "Metadata": dm.Metadata,
    "Payment": dm.Payment,
    "PaymentAllocationPayment": dm.PaymentAllocationPayment,
    "PaymentLine": dm.PaymentLine,
    "PaymentLineLink": dm.PaymentLineLink,
    "PaymentMethod": dm.PaymentMethod,
    "PullOperation": dm.PullOperation,
    "PullOperations": dm.PullOperations,
    "PushFieldValidation": dm.PushFieldValidation,
    "PushOperation": dm.PushOperation,
    "PushOperationChange": dm.PushOperationChange,
    "PushOperationRef": dm.PushOperationRef,
    "PushOperations": dm.PushOperations,
    "PushOption": dm.PushOption,
    "PushOptionChoice": dm.PushOptionChoice,
    "PushOptionProperty": dm.PushOptionProperty,
    "PushValidationInfo": dm.PushValidationInfo,
    "SupplementalData": dm.SupplementalData,
    "Supplier": dm.Supplier,
    "SupplierRef": dm.SupplierRef,
    "TaxRate": dm.TaxRate,
    "TaxRateRef": dm.TaxRateRef,
    "Tracking": dm.JournalLineTracking,
    "TrackingCategory": dm.TrackingCategory,
    "TrackingCategoryRef": dm.TrackingCategoryRef,
    "Transfer": dm.Transfer,
    "Validation": dm.Validation,
    "ValidationItem": dm.ValidationItem,
}
# Models of the platform API that datamodel/platform.py (the gateway's) owns, and upload-only shapes.
NOT_OURS = {
    "Companies",
    "Company",
    "Connection",
    "Connections",
    "DataConnectionError",
    "Integration",
    "Integrations",
    "AttachmentUpload",
    "CodatFile",
}

CODAT_TO_MODEL: dict[str, Any] = {
    "Bill": dm.Bill,
    "BillCreditNote": dm.BillCreditNote,
    "BillCreditNoteLineItem": dm.BillCreditNoteLineItem,
    "BillLineItem": dm.BillLineItem,
    "BillPayment": dm.BillPayment,
    "BillPaymentLine": dm.BillPaymentLine,
    "BillPaymentLineLink": dm.BillPaymentLineLink,
    "CreditNote": dm.CreditNote,
    "CreditNoteLineItem": dm.CreditNoteLineItem,
    "DirectIncome": dm.DirectIncome,
    "DirectIncomeLineItem": dm.DirectIncomeLineItem,
    "Invoice": dm.Invoice,
    "InvoiceLineItem": dm.InvoiceLineItem,
    "Payment": dm.Payment,
    "PaymentAllocation": dm.PaymentAllocation,
    "PaymentAllocation.allocation": dm.Allocation,
    "PaymentAllocation.payment": dm.PaymentAllocationPayment,
    "PaymentLine": dm.PaymentLine,
    "PaymentLineLink": dm.PaymentLineLink,
    "Tracking on bill and bill-credit-note lines": dm.BillLineTracking,
    "Tracking on invoice and credit-note lines": dm.InvoiceLineTracking,
    "Transfer": dm.Transfer,
    "TransferAccount (from/to)": dm.TransferAccount,
}


# Optional in the reference but required here, on purpose: the gateway always sends these, so requiring them
# makes it impossible to build a response without them. (A paging envelope always has ``results``; the
# error body always has its code, text and correlation id.)
STRICTER_ON_PURPOSE = {
    ("Bills", "results"),
    ("Invoices", "results"),
    ("PullOperations", "results"),
    ("PushOperations", "results"),
    ("ErrorMessage", "statusCode"),
    ("ErrorMessage", "error"),
    ("ErrorMessage", "correlationId"),
}


def _accepts_none(tp: Any) -> bool:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _accepts_none(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_accepts_none(arg) for arg in typing.get_args(tp))
    return tp is type(None) or tp is Any or isinstance(tp, typing.TypeVar)


def _problems(model: Any, facts: dict[str, FieldFact], name: str = "") -> list[str]:
    fields = {f.encode_name: f for f in msgspec.structs.fields(model)}
    problems = []
    for fact in facts.values():
        info = fields.get(fact.wire_name)
        if info is None:
            problems.append(f"{fact.wire_name}: missing")
            continue
        has_default = info.default is not msgspec.NODEFAULT or info.default_factory is not msgspec.NODEFAULT
        if fact.required and has_default:
            problems.append(f"{fact.wire_name}: required, but has a default")
        if not fact.required and not has_default and (name, fact.wire_name) not in STRICTER_ON_PURPOSE:
            problems.append(f"{fact.wire_name}: optional, but required here")
        if fact.nullable and not (_accepts_none(info.type) and info.default is msgspec.UNSET):
            problems.append(f"{fact.wire_name}: nullable, must accept null and default to UNSET")
    return problems


def test_every_sdk_model_is_mapped() -> None:
    assert set(sdk_models()) - NOT_OURS == set(SDK_TO_MODEL)


def test_every_codat_table_is_mapped() -> None:
    assert set(codat_tables()) == set(CODAT_TO_MODEL)


@pytest.mark.parametrize("name", sorted(SDK_TO_MODEL))
def test_struct_matches_sdk_model(name: str) -> None:
    assert _problems(SDK_TO_MODEL[name], sdk_models()[name], name) == []


@pytest.mark.parametrize("name", sorted(CODAT_TO_MODEL))
def test_struct_matches_codat_table(name: str) -> None:
    assert _problems(CODAT_TO_MODEL[name], codat_tables()[name], name) == []


def test_the_conformance_check_can_fail() -> None:
    class Thin(CheckedModel, kw_only=True):
        date: str | None = None
        note: str | None = None

    problems = _problems(Thin, sdk_models()["BillPayment"])
    assert "date: required, but has a default" in problems
    assert "note: nullable, must accept null and default to UNSET" in problems
    assert "supplierRef: missing" in problems
