"""Sage Intacct connector: client (transport, sessions, limits, queries, batches) and the Connector."""

from connectors.intacct.client import Function, IntacctClient
from connectors.intacct.config import IntacctCredentials
from connectors.intacct.connector import IntacctConnector
from connectors.intacct.limits import InMemoryLimitStore, LimitSettings, LimitStore
from connectors.intacct.session import SessionCache
from connectors.intacct.transport import IntacctTransport, RetryPolicy

__all__ = [
    "Function",
    "InMemoryLimitStore",
    "IntacctClient",
    "IntacctConnector",
    "IntacctCredentials",
    "IntacctTransport",
    "LimitSettings",
    "LimitStore",
    "RetryPolicy",
    "SessionCache",
]
