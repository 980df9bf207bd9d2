"""Company facts read from the sandbox, the connection settings merged into them, and the cache."""

from __future__ import annotations

import pytest

from connectors.base import Capability, Connector, DataConnector, Operation
from connectors.errors import ConnectorConfigError, ConnectorUnsupported
from connectors.intacct import IntacctConnector
from connectors.intacct.facts_loader import ConnectionSettings, FactsLoader
from connectors.intacct.mapping import mapping_for, registry
from connectors.intacct.mapping.facts import CustomFieldMapping
from connectors.intacct.resources import DATA_TYPES
from connectors.intacct.sandbox import CompanyState

from .conftest import Factory


@pytest.mark.asyncio
async def test_vat_entity_facts(uk: IntacctConnector, company: CompanyState) -> None:
    facts = await uk.facts.get()
    assert (facts.company_id, facts.entity_id, facts.base_currency) == ("DEMO", "200", "GBP")
    assert facts.tax_solution_id == "United Kingdom - VAT" and facts.has_vat
    assert set(facts.currencies) >= {"GBP", "USD"} and facts.currencies[0] == "GBP"
    bank = facts.account("1010")
    assert bank is not None and (bank.bank_account_id, bank.currency, bank.title) == (
        "BOA",
        "USD",
        "Bank - Checking",
    )
    assert facts.account("6000") is not None and facts.account("6000").bank_account_id is None  # type: ignore[union-attr]
    standard = next(t for t in facts.tax_details.values() if t.detail_id == "UK Purchase Standard Rate")
    assert (standard.rate, standard.tax_type) == ("20", "Purchase")
    assert set(facts.journals.values()) >= {"GJ", "APJ"}
    assert facts.payment_methods["6"] == "Cash"
    assert facts.auto_numbering["ARINVOICE"] is True and facts.auto_numbering["APBILL"] is False


@pytest.mark.asyncio
async def test_us_entity_has_no_tax_solution(us: IntacctConnector) -> None:
    facts = await us.facts.get()
    assert (facts.base_currency, facts.tax_solution_id) == ("USD", None)


@pytest.mark.asyncio
async def test_unknown_entity_is_a_configuration_error(connect: Factory) -> None:
    with pytest.raises(ConnectorConfigError):
        await connect("999").facts.get()


@pytest.mark.asyncio
async def test_facts_are_cached_for_their_ttl(us: IntacctConnector, company: CompanyState) -> None:
    now = [0.0]
    loader = FactsLoader(us.client, ConnectionSettings(facts_ttl_seconds=60), clock=lambda: now[0])
    first = await loader.get()
    requests = company.counters.http_requests
    assert await loader.get() is first and company.counters.http_requests == requests
    now[0] = 61.0
    assert await loader.get() is not first and loader.loads == 2


class _MemoryCache:
    """A ``SharedCache`` in a dict (the gateway's is PostgreSQL: tests/integration/gateway/connections)."""

    def __init__(self) -> None:
        self.values: dict[str, bytes] = {}
        self.ttls: list[float] = []

    async def get(self, key: str) -> bytes | None:
        return self.values.get(key)

    async def put(self, key: str, value: bytes, ttl_seconds: float) -> None:
        self.values[key] = value
        self.ttls.append(ttl_seconds)


@pytest.mark.asyncio
async def test_facts_one_process_loaded_serve_another_until_their_ttl(
    us: IntacctConnector, company: CompanyState
) -> None:
    cache, wall = _MemoryCache(), [1000.0]
    settings = ConnectionSettings(facts_ttl_seconds=60)

    def loader() -> FactsLoader:  # one per process: its own monotonic clock, the same wall clock
        return FactsLoader(us.client, settings, shared=cache, clock=lambda: 5.0, wall_clock=lambda: wall[0])

    first = loader()
    facts = await first.get()
    assert first.loads == 1 and cache.ttls == [60]
    requests = company.counters.http_requests
    wall[0] += 59
    second = loader()
    assert await second.get() == facts and second.loads == 0
    assert second.entity_row == first.entity_row
    assert company.counters.http_requests == requests  # nothing asked of Intacct
    wall[0] += 1  # 60 s after Intacct was asked: stale for everyone
    third = loader()
    assert await third.get() == facts and third.loads == 1
    assert company.counters.http_requests > requests


@pytest.mark.asyncio
async def test_shared_facts_depend_on_settings_and_entity(us: IntacctConnector, uk: IntacctConnector) -> None:
    cache = _MemoryCache()
    plain = FactsLoader(us.client, ConnectionSettings(), shared=cache)
    approving = FactsLoader(us.client, ConnectionSettings(ap_bill_approval=True), shared=cache)
    other_entity = FactsLoader(uk.client, ConnectionSettings(), shared=cache)
    assert len({plain.shared_key, approving.shared_key, other_entity.shared_key}) == 3
    assert not (await plain.get()).ap_bill_approval
    assert (await approving.get()).ap_bill_approval and approving.loads == 1
    assert (await other_entity.get()).base_currency == "GBP"
    unreadable = FactsLoader(us.client, ConnectionSettings(), shared=cache)
    cache.values[unreadable.shared_key] = b"{not json"
    assert (await unreadable.get()).base_currency == "USD" and unreadable.loads == 1
    assert "password" not in plain.shared_key and "pw" not in plain.shared_key


@pytest.mark.asyncio
async def test_dimension_names_are_looked_up_on_demand(us: IntacctConnector) -> None:
    facts = await us.facts.get()
    named = await us.facts.with_names(
        facts, {"Administration", "New York", "Retail", "DEPARTMENT-SAL", "Nobody"}
    )
    assert named.dimension_names["DEPARTMENT"] == {"Administration": "ADM"}
    assert named.dimension_names["LOCATION"] == {"New York": "110"}
    assert named.dimension_names["CLASS"] == {"Retail": "C100"}
    assert "Nobody" not in {n for names in named.dimension_names.values() for n in names}
    assert await us.facts.with_names(named, {"Administration"}) is named  # known: no second look-up


def test_settings_parse_camel_and_snake_case() -> None:
    settings = ConnectionSettings.from_mapping(
        {
            "autoNumbering": {"arinvoice": False},
            "apPaymentApproval": True,
            "approvals": {"apBills": True},
            "salesInvoiceDefinition": "Invoice (OE)",
            "customFieldMappings": [{"dataType": "bills", "intacctField": "PROJ_CODE", "sourcePath": "note"}],
            "custom_dimensions": ["LINE_OF_BUSINESS"],
            "factsTtlSeconds": "30",
            "maxConcurrent": 3,
        }
    )
    assert settings.auto_numbering["ARINVOICE"] is False and settings.auto_numbering["GLBATCH"] is True
    assert (settings.ap_payment_approval, settings.ap_bill_approval) == (True, True)
    assert settings.sales_invoice_definition == "Invoice (OE)"
    assert settings.custom_fields == (CustomFieldMapping("bills", "PROJ_CODE", source_path="note"),)
    assert settings.custom_dimensions == ("LINE_OF_BUSINESS",) and settings.facts_ttl_seconds == 30
    for bad in (
        {"autoNumbering": {"APBILL": "maybe"}},
        {"customFieldMappings": [{"dataType": "bills"}]},
        {"paymentMethods": ["Cash"]},
        {"factsTtlSeconds": "soon"},
    ):
        with pytest.raises(ConnectorConfigError):
            ConnectionSettings.from_mapping(bad)


def test_limits_can_be_nested(connect: Factory) -> None:
    connector = connect("100", limits={"functionsPerRequest": 7, "callsPerMinute": 120})
    assert (connector.client.limits.functions_per_request, connector.client.limits.calls_per_minute) == (
        7,
        120,
    )


def test_declared_operations_match_the_mapping_registry() -> None:
    mapped = registry()
    assert set(mapped) == set(DATA_TYPES)
    for name, resource in DATA_TYPES.items():
        mapping = mapped[name]
        declared = {
            Operation.READ: bool(mapping.reads) or name in ("paymentMethods", "companyInfo"),
            Operation.CREATE: mapping.plan_create is not None,
            Operation.UPDATE: mapping.plan_update is not None,
            Operation.DELETE: mapping.plan_delete is not None,
        }
        assert resource.operations == {op for op, supported in declared.items() if supported}, name
    assert mapping_for("chartOfAccounts") is mapped["accounts"]
    with pytest.raises(ConnectorUnsupported, match="widgets"):
        mapping_for("widgets")


def test_the_connector_satisfies_the_data_contract(us: IntacctConnector) -> None:
    contract: DataConnector = us  # checked by mypy: every method of the gateway's contract, same signatures
    assert isinstance(contract, Connector) and Capability.ATTACHMENTS in contract.capabilities
