# mypy: disable-error-code="import-not-found"
# (the client is installed in its own venv; check against it with mypy --python-executable <venv>/bin/python)
"""The same integration as ``codat_sdk_flow.py``, written against a client generated from the gateway's
``openapi/openapi.json`` by openapi-python-client (package ``gateway_client``).

Run with the interpreter of the venv the client was installed into; only ``gateway_client`` and the
standard library are used.

    python generated_client_flow.py SERVER_URL API_KEY INTACCT_ENDPOINT_URL REFERENCE

Every call goes through ``sync_detailed`` and must come back as the documented success model, so a
response the document does not describe (an undocumented status, a body the model cannot parse) stops
the flow. Results are read through the models' typed attributes and printed as one JSON object (the
same shape ``codat_sdk_flow.py`` prints) on the last line of stdout; on failure the object also holds
``error`` and the exit code is 1.
"""

from __future__ import annotations

import base64
import json
import sys
import time
import traceback
from typing import Any

from gateway_client import AuthenticatedClient
from gateway_client.api.accounting_data import get_bill, list_bills
from gateway_client.api.companies import create_company
from gateway_client.api.connections import create_connection, update_connection_authorization
from gateway_client.api.push import create_bill, get_push_operation
from gateway_client.api.refresh_data import get_pull_operation, refresh_data_type
from gateway_client.models import (
    Bill,
    BillPushOperation,
    Bills,
    Company,
    CompanyRequest,
    Connection,
    ConnectionCreate,
    IntacctAuthorization,
    PullOperation,
    PushOperation,
)
from gateway_client.types import Unset

DEADLINE_SECONDS = 60.0
POLL_SECONDS = 0.25


class CallFailed(RuntimeError):
    def __init__(self, step: str, status: int, body: bytes) -> None:
        super().__init__(f"{step}: HTTP {status}")
        self.status = status
        self.body = body.decode(errors="replace")


def present(value: Any) -> Any:
    """``None`` for a field the answer left out (the client's ``UNSET``), else the value."""
    return None if isinstance(value, Unset) else value


def expect(step: str, response: Any, model: type) -> Any:
    """The parsed body when it is ``model``; anything else (error body, undocumented status) fails."""
    if not isinstance(response.parsed, model):
        raise CallFailed(step, int(response.status_code), response.content)
    return response.parsed


class Flow:
    def __init__(self, server_url: str, api_key: str, endpoint_url: str, reference: str) -> None:
        # Codat's scheme: Authorization: Basic <base64(apiKey)>.
        token = base64.b64encode(api_key.encode()).decode()
        self.client = AuthenticatedClient(base_url=server_url, token=token, prefix="Basic", timeout=None)
        self.endpoint_url = endpoint_url
        self.reference = reference
        self.out: dict[str, Any] = {}
        self.step = "start"

    def run(self) -> None:
        self.step = "create company"
        company = expect(
            self.step,
            create_company.sync_detailed(
                client=self.client, body=CompanyRequest(name=f"Compat generated {self.reference}")
            ),
            Company,
        )
        self.company_id = company.id
        self.out["company"] = {"id": company.id, "name": company.name, "redirect": company.redirect}

        self.step = "create connection"
        connection = expect(
            self.step,
            create_connection.sync_detailed(
                company.id, client=self.client, body=ConnectionCreate(platform_key="knfz")
            ),
            Connection,
        )
        self.connection_id = connection.id
        self.out["connection"] = {
            "id": connection.id,
            "integrationKey": connection.integration_key,
            "platformName": connection.platform_name,
            "status": connection.status.value,
        }

        self.step = "update authorization"
        authorization = IntacctAuthorization.from_dict(
            {
                "senderId": "demo-sender",
                "senderPassword": "demo-sender-pw",
                "companyId": "DEMO",
                "userId": "demo-user",
                "userPassword": "demo-user-pw",
                "entityId": "100",
                "endpointUrl": self.endpoint_url,
            }
        )
        linked = expect(
            self.step,
            update_connection_authorization.sync_detailed(
                company.id, connection.id, client=self.client, body=authorization
            ),
            Connection,
        )
        self.out["linked"] = {"status": linked.status.value}

        self.push_bill()
        self.pull_bills()
        self.list_bills()

    def push_bill(self) -> None:
        self.step = "push bill"
        bill = Bill.from_dict(
            {
                "reference": self.reference,
                "supplierRef": {"id": "V0001"},
                "issueDate": "2024-06-30T00:00:00",
                "dueDate": "2024-07-30T00:00:00",
                "status": "Open",
                "subTotal": "250.10",
                "taxAmount": "0",
                "totalAmount": "250.10",
                "lineItems": [
                    {
                        "description": "Printer toner",
                        "quantity": "2",
                        "unitAmount": "125.05",
                        "subTotal": "250.10",
                        "totalAmount": "250.10",
                        "accountRef": {"id": "6000"},
                    }
                ],
            }
        )
        created = create_bill.sync_detailed(
            self.company_id, self.connection_id, client=self.client, body=bill
        )
        pending = expect(self.step, created, BillPushOperation)
        data = present(pending.data)
        self.out["push"] = {
            "httpStatus": int(created.status_code),
            "pushOperationKey": pending.push_operation_key,
            "status": pending.status.value,
            "dataType": present(pending.data_type).value if present(pending.data_type) else None,
            "reference": present(data.reference) if data else None,
        }

        self.step = "poll push operation"
        key = pending.push_operation_key
        deadline = time.monotonic() + DEADLINE_SECONDS
        while True:
            operation = expect(
                self.step,
                get_push_operation.sync_detailed(self.company_id, key, client=self.client),
                PushOperation,
            )
            if operation.status.value != "Pending" or time.monotonic() > deadline:
                break
            time.sleep(POLL_SECONDS)
        validation = present(operation.validation)
        record = present(operation.data)
        self.out["operation"] = {
            "status": operation.status.value,
            "statusCode": operation.status_code,
            "completedOnUtc": present(operation.completed_on_utc),
            "changes": [
                {
                    "type": present(change.type_).value if present(change.type_) else None,
                    "recordId": present(change.record_ref.id) if present(change.record_ref) else None,
                    "dataType": present(change.record_ref.data_type).value
                    if present(change.record_ref) and present(change.record_ref.data_type)
                    else None,
                }
                for change in present(operation.changes) or []
            ],
            "errors": [present(e.message) for e in present(validation.errors) or []] if validation else [],
            # The record as Intacct holds it (PushOperation.data is free-form: any data type).
            "dataId": record.additional_properties.get("id") if record else None,
            "dataReference": record.additional_properties.get("reference") if record else None,
        }

    def pull_bills(self) -> None:
        """Queue a pull of bills; a pull already queued (linking queues one) is waited for first."""
        self.step = "queue pull"
        deadline = time.monotonic() + DEADLINE_SECONDS
        conflicts = 0
        while True:
            response = refresh_data_type.sync_detailed(self.company_id, "bills", client=self.client)
            if int(response.status_code) != 409 or time.monotonic() > deadline:
                break
            conflicts += 1
            time.sleep(POLL_SECONDS)
        pull = expect(self.step, response, PullOperation)

        self.step = "wait for pull"
        while not (pull.is_completed or pull.is_errored) and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            pull = expect(
                self.step,
                get_pull_operation.sync_detailed(self.company_id, pull.id, client=self.client),
                PullOperation,
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
        page = expect(
            self.step,
            list_bills.sync_detailed(
                self.company_id, client=self.client, query=f"reference={self.reference}", page_size=50
            ),
            Bills,
        )
        self.out["listed"] = {
            "totalResults": page.total_results,
            "pageNumber": page.page_number,
            "results": [
                {
                    "id": present(bill.id),
                    "reference": present(bill.reference),
                    "status": bill.status.value,
                    "totalAmount": str(bill.total_amount),
                    "supplierId": present(bill.supplier_ref).id if present(bill.supplier_ref) else None,
                }
                for bill in page.results
            ],
        }

        self.step = "list bills with a query matching none"
        none = expect(
            self.step,
            list_bills.sync_detailed(
                self.company_id, client=self.client, query=f"reference={self.reference}-NONE"
            ),
            Bills,
        )
        self.out["listedNone"] = {"totalResults": none.total_results}

        self.step = "get bill"
        ids = [bill.id for bill in page.results if isinstance(bill.id, str)]
        if ids:
            got = expect(self.step, get_bill.sync_detailed(self.company_id, ids[0], client=self.client), Bill)
            self.out["got"] = {"id": present(got.id), "reference": present(got.reference)}


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
            "body": getattr(exc, "body", "")[:2000],
            "traceback": traceback.format_exc()[-3000:],
        }
    finally:
        flow.client.get_httpx_client().close()
    print(json.dumps(flow.out, default=str))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
