"""Bodies of the gateway's own schedule routes (Codat's datasets live in ``datamodel.operations``).

Codat configures sync frequency per client in its portal; the gateway makes it an API per company and
data type instead: ``GET /companies/{companyId}/schedules`` and ``GET|PUT …/schedules/{dataType}``.
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from datamodel._base import Model

#: At most once a minute (the queue's floor), at least once every 90 days.
IntervalMinutes = Annotated[int, Meta(ge=1, le=90 * 24 * 60)]


class SyncScheduleUpdate(Model):
    """``PUT …/schedules/{dataType}``: pull this data type every ``intervalMinutes`` while ``enabled``."""

    interval_minutes: IntervalMinutes
    enabled: bool = True


class SyncSchedule(Model):
    """A company's periodic pull of one data type; ``dataType`` is Codat's key (``chartOfAccounts``)."""

    data_type: str
    interval_minutes: int
    enabled: bool
    next_run: str
    last_run: str | None = None
    last_pull_operation_id: str | None = None
    connection_id: str | None = None


class SyncSchedules(Model):
    results: list[SyncSchedule]
