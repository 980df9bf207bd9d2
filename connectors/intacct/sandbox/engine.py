"""Runs a parsed request: control checks, authentication, functions, uniqueid and transactions.

* Control level: unknown sender or wrong sender password -> ``XL03000006`` "Incorrect Intacct XML
  Partner ID or password."; unknown ``policyid`` -> ``XL03000006`` "<x> is not a valid transport
  policy."; expired demo company -> ``PL04000055``; more functions than the company's per-request
  limit -> ``XL03000003`` with the limit in words; an operation without credentials -> HTTP 401 with
  ``XMLGW_JPP0002``.
* ``uniqueid=true``: a function whose controlid already succeeded for the company is refused with
  ``XL03000004`` "A successful transaction has already been recorded with the control id <id>" and is
  not executed (the errorno is the sandbox's choice: Intacct's is not documented).
* ``transaction="true"``: one undo journal for the operation; at the first failure everything is rolled
  back, the failing function gets its errors plus ``XL03000009`` and every other function ``aborted``
  with ``XL03000009``. Without it every function is still atomic on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import structlog
from lxml import etree

from connectors.intacct.sandbox.auth import Authenticated, AuthFailure, authenticate, company_of
from connectors.intacct.sandbox.envelope import (
    ROLLED_BACK,
    ControlFailure,
    FunctionCall,
    Operation,
    Request,
    authentication_block,
    control_block,
    errormessage,
    result_block,
)
from connectors.intacct.sandbox.registry import (
    HANDLERS,
    OBJECT_HANDLERS,
    CallContext,
    FunctionFailed,
    IntacctError,
)
from connectors.intacct.sandbox.state import SandboxState

log = structlog.get_logger()

OFFLINE = IntacctError(
    "Service Off-line",
    "",
    "The Service is Temporarily Off-line. Please try again later.",
    "",
)
_GENERIC = ("create", "update")


def duplicate_error(controlid: str) -> IntacctError:
    return IntacctError(
        "XL03000004",
        "",
        f"A successful transaction has already been recorded with the control id {controlid}",
        "Use a new control id for a new transaction.",
    )


def unsupported(what: str) -> IntacctError:
    return IntacctError("XL03000003", "", f"{what} is not supported by the Intacct sandbox.", "")


@dataclass
class Outcome:
    success: bool
    payload: list[etree._Element]
    errors: list[IntacctError]


class Engine:
    """Executes requests against a ``SandboxState``."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    # -- control ----------------------------------------------------------------------------------
    def check_control(self, request: Request) -> None:
        control = request.control
        if self.state.senders.get(control.senderid) != control.password or not control.password:
            raise ControlFailure(
                IntacctError("XL03000006", "", "Incorrect Intacct XML Partner ID or password.", "")
            )
        if control.policyid and control.policyid not in self.state.transport_policies:
            raise ControlFailure(
                IntacctError("XL03000006", "", f"{control.policyid} is not a valid transport policy.", "")
            )
        company = company_of(self.state, request.operations[0])
        if company is not None and company.config.demo_expired:
            raise ControlFailure(
                IntacctError("PL04000055", "", "This company is a demo company and has expired.", ""),
                echo=False,
            )
        for operation in request.operations:
            if operation.login is None and not operation.sessionid:
                raise ControlFailure(
                    IntacctError(
                        "XMLGW_JPP0002", "Sign-in information is incorrect. Please check your request."
                    ),
                    echo=False,
                    http_status=401,
                )
        total = sum(len(op.functions) for op in request.operations)
        limit = company.limits.max_functions_per_request if company is not None else 100
        if limit > 0 and total > limit:
            if company is not None:
                company.counters.oversized_requests += 1
            raise ControlFailure(
                IntacctError(
                    "XL03000003",
                    "",
                    f"The request contains {total} functions; the limit is {limit} functions per request.",
                    f"Split the request into requests of at most {limit} functions.",
                )
            )

    # -- request ----------------------------------------------------------------------------------
    def acknowledge(self, request: Request) -> etree._Element:
        """Answer to an asynchronous (``policyid``) request: the results go to the policy, not here."""
        root = etree.Element("response")
        ack = etree.SubElement(root, "acknowledgement")
        etree.SubElement(ack, "status").text = "success"
        root.append(control_block(request.control, "success"))
        return root

    def run(self, request: Request, endpoint: str) -> etree._Element:
        """The ``<response>`` for a request that passed ``check_control``."""
        root = etree.Element("response")
        root.append(control_block(request.control, "success"))
        for operation in request.operations:
            root.append(self.run_operation(request, operation, endpoint))
        return root

    def run_operation(self, request: Request, operation: Operation, endpoint: str) -> etree._Element:
        op_el = etree.Element("operation")
        auth = authenticate(self.state, operation, request.control.senderid)
        if isinstance(auth, AuthFailure):
            if auth.company is not None:
                auth.company.counters.auth_failures += 1
            op_el.append(authentication_block("failure", auth.userid, auth.companyid, auth.locationid))
            op_el.append(errormessage([auth.error], support_ids=False))
            return op_el
        op_el.append(
            authentication_block(
                "success",
                auth.user_id,
                auth.companyid_echo,
                auth.entity.id if auth.entity is not None else "",
                now=self.state.now(),
                timeout=auth.timeout,
            )
        )
        for result in self.run_functions(request, operation, auth, endpoint):
            op_el.append(result)
        return op_el

    def run_functions(
        self, request: Request, operation: Operation, auth: Authenticated, endpoint: str
    ) -> list[etree._Element]:
        support = self.state.support_ids
        company = auth.company
        if company.faults.offline:
            company.counters.count_fault("offline")
            return [
                result_block("failure", fc.name, fc.controlid, errors=[OFFLINE], support_ids=support)
                for fc in operation.functions
            ]
        if not operation.transaction:
            results = []
            for fc in operation.functions:
                company.begin()
                outcome = self.call(request, fc, auth, endpoint)
                if outcome.success:
                    company.commit()
                else:
                    company.rollback()
                status = "success" if outcome.success else "failure"
                results.append(
                    result_block(
                        status, fc.name, fc.controlid, outcome.payload, outcome.errors, support_ids=support
                    )
                )
            return results
        company.begin()
        outcomes: list[Outcome] = []
        for fc in operation.functions:
            outcome = self.call(request, fc, auth, endpoint)
            outcomes.append(outcome)
            if not outcome.success:
                break
        if all(o.success for o in outcomes):
            company.commit()
            return [
                result_block("success", fc.name, fc.controlid, o.payload, support_ids=support)
                for fc, o in zip(operation.functions, outcomes, strict=True)
            ]
        company.rollback()
        failed = len(outcomes) - 1
        results = []
        for index, fc in enumerate(operation.functions):
            if index == failed:
                failure = outcomes[index]
                errors = [*failure.errors, ROLLED_BACK]
                results.append(
                    result_block(
                        "failure", fc.name, fc.controlid, failure.payload, errors, support_ids=support
                    )
                )
            else:
                results.append(
                    result_block("aborted", fc.name, fc.controlid, errors=[ROLLED_BACK], support_ids=support)
                )
        return results

    # -- one function -----------------------------------------------------------------------------
    def call(self, request: Request, fc: FunctionCall, auth: Authenticated, endpoint: str) -> Outcome:
        company = auth.company
        if fc.element is None:
            error = IntacctError("XL03000003", "", "A <function> must hold exactly one function element.", "")
            return Outcome(False, [], [error])
        if request.control.uniqueid and fc.controlid and fc.controlid in company.executed_controlids:
            company.counters.duplicates_refused += 1
            return Outcome(False, [], [duplicate_error(fc.controlid)])
        ctx = CallContext(
            company=company,
            entity=auth.entity,
            user_id=auth.user_id,
            function_controlid=fc.controlid,
            sandbox=self.state,
            endpoint=endpoint,
            session=auth.session,
        )
        company.counters.count_function(self._counter_key(fc))
        generic = fc.name in _GENERIC
        payload: Sequence[etree._Element]
        try:
            if generic:
                payload = self._generic_write(ctx, fc.name, fc.element)
            elif fc.name == "delete":
                payload = self._generic_delete(ctx, fc.element)
            elif fc.name in HANDLERS:
                payload = HANDLERS[fc.name](ctx, fc.element)
            else:
                raise FunctionFailed(unsupported(f"The function '{fc.name}'"))
        except FunctionFailed as failed:
            empty = [etree.Element("data", listtype="objects", count="0")] if generic else []
            return Outcome(False, empty, list(failed.errors) or [unsupported(fc.name)])
        except Exception as exc:  # a handler bug must never take the sandbox down
            log.exception("sandbox_handler_crashed", function=fc.name, controlid=fc.controlid)
            error = IntacctError(
                "DL02000001",
                "Error",
                "There was an error processing the request.",
                f"Sandbox internal error: {type(exc).__name__}: {exc}",
            )
            return Outcome(False, [], [error])
        if fc.controlid:
            company.mark_executed(fc.controlid)
        return Outcome(True, list(payload), [])

    @staticmethod
    def _counter_key(fc: FunctionCall) -> str:
        assert fc.element is not None
        if fc.name in _GENERIC:
            objects = [str(c.tag) for c in fc.element if isinstance(c.tag, str)]
            return f"{fc.name}:{objects[0].upper()}" if objects else fc.name
        if fc.name == "delete":
            return f"delete:{(fc.element.findtext('object') or '').strip().upper()}"
        return fc.name

    def _generic_write(self, ctx: CallContext, verb: str, element: etree._Element) -> list[etree._Element]:
        objects: list[etree._Element] = []
        children = [c for c in element if isinstance(c.tag, str)]
        if not children:
            raise FunctionFailed(IntacctError("XL03000003", "", f"<{verb}> needs an object element.", ""))
        for child in children:
            handler = OBJECT_HANDLERS.get((verb, str(child.tag).upper()))
            if handler is None:
                raise FunctionFailed(unsupported(f"{verb} of {child.tag}"))
            produced = handler(ctx, child)
            if len(produced) == 1 and produced[0].tag == "data":
                objects.extend(c for c in produced[0] if isinstance(c.tag, str))
            else:
                objects.extend(produced)
        data = etree.Element("data", listtype="objects", count=str(len(objects)))
        data.extend(objects)
        return [data]

    def _generic_delete(self, ctx: CallContext, element: etree._Element) -> Sequence[etree._Element]:
        obj = (element.findtext("object") or "").strip().upper()
        handler = OBJECT_HANDLERS.get(("delete", obj))
        if handler is None:
            raise FunctionFailed(unsupported(f"delete of {obj or 'an unnamed object'}"))
        return handler(ctx, element)
