"""What can be pushed, under which Codat path and operation id, with which body model.

One ``PushSpec`` per writable Codat data type. The routes are generated from this table (one route per
type and action, each with Codat's operation id and a typed body, so the OpenAPI has the models);
whether the platform behind a connection supports an action is asked of the connector's declared
``data_types`` at request time, so a route that Codat has but Intacct cannot serve answers Codat's
"not supported" error instead of being missing.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Any, Literal

import msgspec

from datamodel import (
    Account,
    Attachment,
    Bill,
    BillCreditNote,
    BillPayment,
    CreditNote,
    Customer,
    DirectIncome,
    Invoice,
    JournalEntry,
    Payment,
    PushOperation,
    Supplier,
    Transfer,
)
from datamodel.enums import PushChangeType, WriteType

Action = Literal["create", "update", "delete"]

WRITE_TYPES: dict[Action, WriteType] = {
    "create": WriteType.CREATE,
    "update": WriteType.UPDATE,
    "delete": WriteType.DELETE,
}
CHANGE_TYPES: dict[Action, PushChangeType] = {
    "create": PushChangeType.CREATED,
    "update": PushChangeType.MODIFIED,
    "delete": PushChangeType.DELETED,
}


@dataclass(frozen=True, slots=True)
class PushSpec:
    """One writable data type.

    ``path`` is the segment after ``…/push/`` (``accounts``), ``data_type`` the Codat ``DataType`` the
    push operation reports (``chartOfAccounts``), ``connector_type`` the name the connector knows it by.
    ``id_param`` names the record id in update/delete paths (``billId``); ``singular`` and ``plural``
    build the operation ids (``create-bill``, ``get-create-update-bills-model``).
    """

    path: str
    data_type: str
    model: Any
    singular: str
    id_param: str
    actions: frozenset[Action]
    connector_type: str = ""

    @property
    def connector_name(self) -> str:
        return self.connector_type or self.path

    def operation_id(self, action: Action) -> str:
        return f"{action}-{self.singular}"


def _spec(
    path: str,
    model: Any,
    singular: str,
    id_param: str,
    actions: tuple[Action, ...],
    *,
    data_type: str | None = None,
) -> PushSpec:
    return PushSpec(
        path=path,
        data_type=data_type or path,
        model=model,
        singular=singular,
        id_param=id_param,
        actions=frozenset(actions),
    )


# Codat's paths (codat-sdk-paths.txt): every POST/PUT/DELETE under …/push/ for the supported types.
PUSH_SPECS: tuple[PushSpec, ...] = (
    _spec("accounts", Account, "account", "accountId", ("create",), data_type="chartOfAccounts"),
    _spec("billCreditNotes", BillCreditNote, "bill-credit-note", "billCreditNoteId", ("create", "update")),
    _spec("billPayments", BillPayment, "bill-payment", "billPaymentId", ("create", "delete")),
    _spec("bills", Bill, "bill", "billId", ("create", "update", "delete")),
    _spec("creditNotes", CreditNote, "credit-note", "creditNoteId", ("create", "update")),
    _spec("customers", Customer, "customer", "customerId", ("create", "update")),
    _spec("directIncomes", DirectIncome, "direct-income", "directIncomeId", ("create",)),
    _spec("invoices", Invoice, "invoice", "invoiceId", ("create", "update", "delete")),
    _spec("journalEntries", JournalEntry, "journal-entry", "journalEntryId", ("create", "delete")),
    _spec("payments", Payment, "payment", "paymentId", ("create",)),
    _spec("suppliers", Supplier, "supplier", "supplierId", ("create", "update")),
    _spec("transfers", Transfer, "transfer", "transferId", ("create",)),
)


def response_model(model: Any) -> Any:
    """``PushOperation[model]`` under a stable schema name (``BillPushOperation``) for the OpenAPI
    document and generated clients (Codat's ``CreateBillResponse``)."""
    name = f"{model.__name__}PushOperation"
    cached = _RESPONSE_MODELS.get(name)
    if cached is None:
        namespace = {
            "__module__": __name__,
            "__doc__": PushOperation.__doc__,
            # ``data`` named again with the record type: Litestar does not resolve ``T`` of a generic
            # base, and would document ``data`` as an untyped object (no model in generated clients).
            "__annotations__": {"data": model | msgspec.UnsetType | None},
            "data": msgspec.UNSET,
        }
        cached = types.new_class(
            name, (PushOperation[model],), {"kw_only": True}, lambda ns: ns.update(namespace)
        )
        _RESPONSE_MODELS[name] = cached
    return cached


_RESPONSE_MODELS: dict[str, Any] = {}
SPECS_BY_PATH: dict[str, PushSpec] = {spec.path: spec for spec in PUSH_SPECS}
SPECS_BY_DATA_TYPE: dict[str, PushSpec] = {spec.data_type: spec for spec in PUSH_SPECS}


AttachmentPushOperation = response_model(Attachment)


class PushPayload(msgspec.Struct, kw_only=True, rename="camel", omit_defaults=True):
    """What a push operation row carries in ``operations.payload`` for the worker.

    The record travels as JSON text (``record_json``), not as a nested object: the queue encodes its
    payload with msgspec defaults, which would turn ``Decimal`` amounts into strings, and JSON text keeps
    every digit exactly as the client sent it.
    """

    type: WriteType
    action: Action | Literal["attach"]
    connector_type: str
    record_json: str | None = None
    record_id: str | None = None
    force_update: bool = False
    attachment_row_id: str | None = None
    #: Warnings found before sending (shown while Pending and kept in the final result).
    warnings: list[dict[str, Any]] = msgspec.field(default_factory=list)
