"""Push/pull operation shapes: the fields the SDKs require are always there, options trees are recursive,
and the small helpers behave."""

from __future__ import annotations

from decimal import Decimal

import pytest

import datamodel as dm
from datamodel.codec import decode_json, encode_json
from tests.unit.datamodel._jsoncompare import load
from tests.unit.datamodel._reference import EXAMPLES


def _pending() -> dm.PushOperation[dm.Bill]:
    bill = dm.Bill(
        issue_date="2023-04-23T00:00:00",
        status=dm.BillStatus.OPEN,
        sub_total=Decimal("10"),
        tax_amount=Decimal("2.00"),
        total_amount=Decimal("12.00"),
    )
    return dm.PushOperation[dm.Bill](
        push_operation_key="k",
        company_id="c",
        data_connection_key="d",
        data_type=dm.DataType.BILLS,
        status=dm.PushOperationStatus.PENDING,
        status_code=202,
        requested_on_utc="2023-04-23T10:00:00Z",
        timeout_in_minutes=None,
        data=bill,
    )


def test_pending_push_operation_wire_shape() -> None:
    assert load(encode_json(_pending())) == {
        "pushOperationKey": "k",
        "companyId": "c",
        "dataConnectionKey": "d",
        "dataType": "bills",
        "status": "Pending",
        "statusCode": Decimal(202),
        "requestedOnUtc": "2023-04-23T10:00:00Z",
        "timeoutInMinutes": None,
        "data": {
            "issueDate": "2023-04-23T00:00:00",
            "status": "Open",
            "subTotal": Decimal(10),
            "taxAmount": Decimal("2.00"),
            "totalAmount": Decimal("12.00"),
        },
    }


def test_push_operation_cannot_be_built_without_sdk_required_fields() -> None:
    with pytest.raises(TypeError, match="status_code"):
        dm.PushOperation(  # type: ignore[call-arg]
            push_operation_key="k",
            company_id="c",
            data_connection_key="d",
            status=dm.PushOperationStatus.PENDING,
            requested_on_utc="2023-04-23T10:00:00Z",
        )


def test_failed_push_operation_round_trips_validation() -> None:
    op = dm.PushOperation[dm.Bill](
        push_operation_key="k",
        company_id="c",
        data_connection_key="d",
        status=dm.PushOperationStatus.FAILED,
        status_code=400,
        requested_on_utc="2023-04-23T10:00:00Z",
        completed_on_utc="2023-04-23T10:00:03Z",
        error_message="Intacct refused the bill",
        validation=dm.Validation(
            errors=[dm.ValidationItem(item_id="SupplierRef.Id", message="not found", validator_name="Bill")],
            warnings=[],
        ),
        changes=[
            dm.PushOperationChange(
                type=dm.PushChangeType.CREATED,
                record_ref=dm.PushOperationRef(id="42", data_type=dm.DataType.BILLS),
            )
        ],
    )
    assert decode_json(encode_json(op), dm.PushOperation[dm.Bill]) == op


def test_push_operation_data_is_typed_when_parametrised() -> None:
    raw = (EXAMPLES / "payments-push-response-sage-intacct.json").read_bytes()
    op = decode_json(raw, dm.PushOperation[dm.Payment])
    assert isinstance(op.data, dm.Payment)
    assert isinstance(op.data.lines, list)
    links = op.data.lines[0].links
    assert isinstance(links, list)
    assert [(link.type, link.amount) for link in links] == [
        (dm.PaymentLinkType.INVOICE, Decimal("-1.1")),
        (dm.PaymentLinkType.CREDIT_NOTE, Decimal("1.1")),
    ]


def test_push_option_tree_is_recursive() -> None:
    tree = decode_json((EXAMPLES / "options-bills-sage-intacct.json").read_bytes(), dm.PushOption)
    assert tree.type is dm.PushOptionType.OBJECT and tree.required
    assert isinstance(tree.properties, dict)
    supplier_id = tree.properties["supplierRef"].properties["id"]  # type: ignore[index]
    assert supplier_id.required and supplier_id.type is dm.PushOptionType.STRING
    assert isinstance(supplier_id.validation, dm.PushValidationInfo)
    assert supplier_id.validation.warnings == [
        dm.PushFieldValidation(field="SupplierRef.Id", details="Must match to an existing Supplier Id.")
    ]
    currency = tree.properties["currency"]
    assert isinstance(currency.options, list)
    assert "GBP" in [choice.value for choice in currency.options]


def test_push_option_property_requires_a_description() -> None:
    body = b'{"type": "Object", "displayName": "X", "required": true,'
    body += b' "properties": {"id": {"type": "String", "displayName": "Id", "required": true}}}'
    with pytest.raises(
        dm.ValidationError, match=r"missing required field `description` - at `\$\.properties\[\.\.\.\]`"
    ):
        decode_json(body, dm.PushOption)


def test_data_statuses_are_keyed_by_data_type() -> None:
    statuses = decode_json((EXAMPLES / "dataStatus-response.json").read_bytes(), dm.DataStatuses)
    assert statuses["bills"].data_type is dm.DataType.BILLS
    assert statuses["bills"].current_status is dm.DatasetStatus.COMPLETE
    assert all(key == status.data_type for key, status in statuses.items())


def test_pull_operation_requires_its_sdk_fields() -> None:
    with pytest.raises(dm.ValidationError, match="`isErrored`"):
        decode_json(
            b'{"id": "1", "companyId": "c", "connectionId": "x", "dataType": "bills", "status": "Queued",'
            b' "requested": "2022-11-14T11:18:37Z", "progress": 0, "isCompleted": false}',
            dm.PullOperation,
        )


def test_journal_imbalance() -> None:
    entry = decode_json(
        (EXAMPLES / "journalEntries-push-request-sage-intacct.json").read_bytes(), dm.JournalEntry
    )
    assert dm.journal_imbalance(entry) == 0
    lines = [dm.JournalLine(net_amount=Decimal("0.1")), dm.JournalLine(net_amount=Decimal("0.2"))]
    lines.append(dm.JournalLine(net_amount=Decimal("-0.3")))
    assert dm.journal_imbalance(lines) == 0
    assert dm.journal_imbalance(lines[:2]) == Decimal("0.3")
    assert dm.journal_imbalance(dm.JournalEntry()) == 0


def test_tracking_category_tree_nests() -> None:
    tree = decode_json(
        b'{"id": "DEPARTMENT", "name": "Department", "hasChildren": true,'
        b' "subCategories": [{"id": "DEPARTMENT-1", "parentId": "DEPARTMENT", "subCategories": []}]}',
        dm.TrackingCategoryTree,
    )
    assert isinstance(tree.sub_categories, list)
    assert tree.sub_categories[0].parent_id == "DEPARTMENT"


def test_attachments_dataset_always_lists_attachments() -> None:
    assert encode_json(dm.AttachmentsDataset(attachments=[])) == b'{"attachments":[]}'
    attachment = dm.Attachment(id="1", name="bill.pdf", file_size=12, include_when_sent=False)
    assert decode_json(encode_json(attachment), dm.Attachment) == attachment


def test_error_message_always_carries_its_fields() -> None:
    body = dm.ErrorMessage(status_code=404, error="Not found", correlation_id="c1")
    assert load(encode_json(body)) == {
        "statusCode": Decimal(404),
        "service": "PublicApi",
        "error": "Not found",
        "correlationId": "c1",
        "canBeRetried": "Unknown",
        "detailedErrorCode": Decimal(0),
    }
