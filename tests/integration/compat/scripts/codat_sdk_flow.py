# mypy: disable-error-code="import-not-found"
# (the client is installed in its own venv; check against it with mypy --python-executable <venv>/bin/python)
"""A fintech's integration, written against the official Codat SDKs and pointed at the gateway.

Run with the interpreter of a venv holding ``codat-platform`` and ``codat-accounting`` from PyPI,
unchanged. Only the SDKs and the standard library are used; the only gateway-specific input is the
``server_url`` (and the sandbox's Intacct endpoint, which a real customer would not need).

    python codat_sdk_flow.py SERVER_URL API_KEY INTACCT_ENDPOINT_URL REFERENCE

It creates a company and a Sage Intacct connection, links the sandbox's DEMO company, pushes a bill
and polls the push operation to its end, queues a pull of bills and waits for it, then lists bills
with a Codat query. Everything it saw is printed as one JSON object on the last line of stdout; on an
exception the object also holds ``error`` (the step, the exception and the response body), and the
exit code is 1.
"""

from __future__ import annotations

import base64
import json
import sys
import time
import traceback
from decimal import Decimal
from typing import Any

from codat_platform import CodatPlatform
from codat_platform.models import shared as platform_shared
from codat_platform.models.errors import CodatPlatformError
from codataccounting import CodatAccounting
from codataccounting.models import operations
from codataccounting.models import shared as accounting_shared

DEADLINE_SECONDS = 60.0
POLL_SECONDS = 0.25


class Flow:
    def __init__(self, server_url: str, api_key: str, endpoint_url: str, reference: str) -> None:
        # Codat's scheme: the word Basic and the base64 of the API key, given as the SDKs' auth_header.
        auth = "Basic " + base64.b64encode(api_key.encode()).decode()
        self.platform = CodatPlatform(
            security=platform_shared.Security(auth_header=auth), server_url=server_url, timeout_ms=30_000
        )
        self.accounting = CodatAccounting(
            security=accounting_shared.Security(auth_header=auth), server_url=server_url
        )
        self.endpoint_url = endpoint_url
        self.reference = reference
        self.out: dict[str, Any] = {"sdk": sdk_versions()}
        self.step = "start"

    def run(self) -> None:
        self.step = "create company"
        company = self.platform.companies.create(request={"name": f"Compat SDK {self.reference}"})
        self.company_id = company.id
        self.out["company"] = {"id": company.id, "name": company.name, "redirect": company.redirect}

        self.step = "create connection"
        connection = self.platform.connections.create(
            request={"company_id": company.id, "request_body": {"platform_key": "knfz"}}
        )
        self.connection_id = connection.id
        self.out["connection"] = {
            "id": connection.id,
            "integrationKey": connection.integration_key,
            "platformName": connection.platform_name,
            "status": connection.status.value,
        }

        self.step = "update authorization"
        linked = self.platform.connections.update_authorization(
            request={
                "company_id": company.id,
                "connection_id": connection.id,
                "request_body": {
                    "senderId": "demo-sender",
                    "senderPassword": "demo-sender-pw",
                    "companyId": "DEMO",
                    "userId": "demo-user",
                    "userPassword": "demo-user-pw",
                    "entityId": "100",
                    "endpointUrl": self.endpoint_url,
                },
            }
        )
        self.out["linked"] = {"status": linked.status.value}

        self.push_bill()
        self.pull_bills()
        self.list_bills()
        self.read_back()

    def push_bill(self) -> None:
        self.step = "push bill"
        bill = accounting_shared.Bill(
            reference=self.reference,
            supplier_ref=accounting_shared.SupplierRef(id="V0001"),
            issue_date="2024-06-30T00:00:00",
            due_date="2024-07-30T00:00:00",
            status=accounting_shared.BillStatus.OPEN,
            sub_total=Decimal("123.45"),
            tax_amount=Decimal("0"),
            total_amount=Decimal("123.45"),
            line_items=[
                accounting_shared.BillLineItem(
                    description="Office paper",
                    quantity=Decimal("1"),
                    unit_amount=Decimal("123.45"),
                    sub_total=Decimal("123.45"),
                    total_amount=Decimal("123.45"),
                    account_ref=accounting_shared.AccountRef(id="6000"),
                )
            ],
        )
        created = self.accounting.bills.create(
            operations.CreateBillRequest(
                company_id=self.company_id, connection_id=self.connection_id, bill=bill
            )
        )
        response = created.create_bill_response
        if response is None:
            raise RuntimeError(f"create bill answered {created.status_code} without a body")
        self.out["push"] = {
            "httpStatus": created.status_code,
            "pushOperationKey": response.push_operation_key,
            "status": response.status.value,
            "dataType": response.data_type.value if response.data_type else None,
            "reference": response.data.reference if response.data else None,
        }

        self.step = "poll push operation"
        key = response.push_operation_key
        operation = self.platform.push_data.get_operation(
            request={"company_id": self.company_id, "push_operation_key": key}
        )
        deadline = time.monotonic() + DEADLINE_SECONDS
        while operation.status.value == "Pending" and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            operation = self.platform.push_data.get_operation(
                request={"company_id": self.company_id, "push_operation_key": key}
            )
        changes = operation.changes or []
        self.out["operation"] = {
            "status": operation.status.value,
            "statusCode": operation.status_code,
            "completedOnUtc": operation.completed_on_utc,
            "changes": [
                {
                    "type": change.type.value if change.type else None,
                    "recordId": change.record_ref.id if change.record_ref else None,
                    "dataType": change.record_ref.data_type.value
                    if change.record_ref and change.record_ref.data_type
                    else None,
                }
                for change in changes
            ],
            "errors": [e.message for e in (operation.validation.errors or [])]
            if operation.validation
            else [],
        }

    def pull_bills(self) -> None:
        """Queue a pull of bills; a pull already queued (linking queues one) is waited for first."""
        self.step = "queue pull"
        deadline = time.monotonic() + DEADLINE_SECONDS
        conflicts = 0
        while True:
            try:
                pull = self.platform.refresh_data.by_data_type(
                    request={"company_id": self.company_id, "data_type": "bills"}
                )
                break
            except CodatPlatformError as exc:
                if getattr(exc, "status_code", None) != 409 or time.monotonic() > deadline:
                    raise
                conflicts += 1
                time.sleep(POLL_SECONDS)
        self.step = "wait for pull"
        while not (pull.is_completed or pull.is_errored) and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            pull = self.platform.refresh_data.get_pull_operation(
                request={"company_id": self.company_id, "dataset_id": pull.id}
            )
        self.out["pull"] = {
            "id": pull.id,
            "dataType": pull.data_type,
            "status": pull.status.value,
            "isCompleted": pull.is_completed,
            "isErrored": pull.is_errored,
            "progress": pull.progress,
            "conflictsWaited": conflicts,
        }

    def list_bills(self) -> None:
        self.step = "list bills"
        listed = self.accounting.bills.list(
            operations.ListBillsRequest(company_id=self.company_id, query=f"reference={self.reference}")
        )
        page = listed.bills
        if page is None:
            raise RuntimeError(f"list bills answered {listed.status_code} without a body")
        self.out["listed"] = {
            "totalResults": page.total_results,
            "pageNumber": page.page_number,
            "results": [
                {
                    "id": bill.id,
                    "reference": bill.reference,
                    "status": bill.status.value,
                    "totalAmount": str(bill.total_amount),
                    "supplierId": bill.supplier_ref.id if bill.supplier_ref else None,
                }
                for bill in page.results or []
            ],
        }

        self.step = "list bills with a query matching none"
        none = self.accounting.bills.list(
            operations.ListBillsRequest(company_id=self.company_id, query=f"reference={self.reference}-NONE")
        ).bills
        self.out["listedNone"] = {"totalResults": none.total_results if none else None}

        self.step = "get bill"
        ids = [bill.id for bill in page.results or [] if bill.id]
        if ids:
            got = self.accounting.bills.get(
                operations.GetBillRequest(bill_id=ids[0], company_id=self.company_id)
            )
            self.out["got"] = {"id": got.bill.id, "reference": got.bill.reference} if got.bill else None

    def read_back(self) -> None:
        """The platform reads a dashboard makes: each answer must parse in the SDK's strict models."""
        company = {"company_id": self.company_id}
        self.step = "list companies"
        companies = self.platform.companies.list(request={"query": f"id={self.company_id}"})
        self.step = "list connections"
        connections = self.platform.connections.list(request=company)
        self.step = "list push operations"
        pushes = self.platform.push_data.list_operations(request=company)
        self.step = "get data status"
        statuses = self.platform.refresh_data.get(request=company)
        self.step = "list pull operations"
        pulls = self.platform.refresh_data.list_pull_operations(
            request={**company, "query": "dataType=bills"}
        )
        self.step = "get bill options"
        options = self.platform.push_data.get_model_options(
            request={**company, "connection_id": self.connection_id, "data_type": "bills"}
        )
        bills_status = statuses.bills
        self.out["readBack"] = {
            "companyIds": [c.id for c in companies.results or []],
            "connectionStatuses": [c.status.value for c in connections.results or []],
            "pushKeys": [op.push_operation_key for op in pushes.results or []],
            "billsStatus": bills_status.current_status.value if bills_status else None,
            "billsPullIds": [op.id for op in pulls.results or []],
            "optionsType": options.type.value,
            "optionsRequired": sorted(k for k, v in (options.properties or {}).items() if v.required),
        }


def sdk_versions() -> dict[str, str]:
    from importlib.metadata import version

    return {name: version(name) for name in ("codat-platform", "codat-accounting")}


def main(argv: list[str]) -> int:
    server_url, api_key, endpoint_url, reference = argv[1:5]
    flow = Flow(server_url, api_key, endpoint_url, reference)
    code = 0
    try:
        flow.run()
    except Exception as exc:
        code = 1
        flow.out["error"] = {
            "step": flow.step,
            "type": type(exc).__name__,
            "message": str(exc)[:2000],
            "body": str(getattr(exc, "body", "") or getattr(exc, "raw_response", ""))[:2000],
            "traceback": traceback.format_exc()[-3000:],
        }
    print(json.dumps(flow.out, default=str))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
