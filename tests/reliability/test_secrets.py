"""Secrets: Intacct credentials are encrypted at rest, and a full push/pull run logged at debug level
never writes a password, a session id or an attachment's bytes.

The first test reads the raw rows (and every text, JSON and binary column of every table) instead of
trusting the repository; the second captures everything the gateway, the connector, the worker and the
libraries log while a tenant links, pushes every type, uploads and downloads an attachment and pulls,
with Intacct sessions expiring every few calls so sign-ins happen again and again.
"""

from __future__ import annotations

import base64
import io
import logging
import os
import uuid
from dataclasses import replace
from typing import Any

import pytest

from gateway.connections.crypto import CredentialCipher, CredentialsUnreadable
from gateway.jobs import PUSH
from gateway.logging import configure_logging
from gateway.settings import LogSettings, SecuritySettings
from gateway.webhooks.delivery import WEBHOOK
from tests.integration.gateway.helpers import DEMO_AUTH
from tests.integration.gateway.push import bodies as b
from tests.integration.gateway.push.env import PushEnv
from tests.reliability import world
from tests.reliability.figures import record

pytestmark = pytest.mark.asyncio(loop_scope="session")

PASSWORDS = (DEMO_AUTH["senderPassword"], DEMO_AUTH["userPassword"])


async def columns(pool: Any) -> list[tuple[str, str, str]]:
    rows = await pool.fetch(
        """SELECT table_name, column_name, data_type FROM information_schema.columns
           WHERE table_schema = current_schema()
             AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'bytea')"""
    )
    return [(r["table_name"], r["column_name"], r["data_type"]) for r in rows]


async def cells_containing(pool: Any, needle: str) -> list[str]:
    """``table.column`` of every cell in the database holding ``needle`` (as text or as bytes)."""
    found = []
    for table, column, kind in await columns(pool):
        if kind == "bytea":
            sql = f'SELECT count(*) FROM "{table}" WHERE position($1::bytea IN "{column}") > 0'
            arg: Any = needle.encode()
        else:
            sql = f'SELECT count(*) FROM "{table}" WHERE "{column}"::text LIKE $1'
            arg = f"%{needle}%"
        if await pool.fetchval(sql, arg):
            found.append(f"{table}.{column}")
    return found


async def test_credentials_are_encrypted_at_rest(env: PushEnv) -> None:
    owner = await world.new_tenant(env, "secrets")
    linked = await world.link(env, owner)
    raw = await env.pool.fetchval(
        "SELECT credentials FROM connections WHERE id = $1", uuid.UUID(linked.connection_id)
    )
    token = bytes(raw)
    assert token.startswith(b"gAAAAA"), token[:20]  # a Fernet token (version byte 0x80, base64)
    for secret in (*PASSWORDS, DEMO_AUTH["senderId"], DEMO_AUTH["userId"]):
        assert secret.encode() not in token
        assert base64.b64encode(secret.encode()) not in token
    # nowhere else in the database either: not in operations, connection info, logs tables, anything
    for password in PASSWORDS:
        assert await cells_containing(env.pool, password) == []
    # the configured key opens it; another key does not
    cipher = CredentialCipher.from_settings(env.settings.security)
    assert DEMO_AUTH["userPassword"] in cipher.decrypt(token).values()
    with pytest.raises(CredentialsUnreadable):
        CredentialCipher.from_settings(SecuritySettings(secret_key="another-key")).decrypt(token)
    # and the API never hands the credentials back
    response = await env.client.get(f"{linked.base}", headers=owner.headers)
    assert response.status_code == 200
    assert not any(p in response.text for p in PASSWORDS)


async def test_debug_logs_of_a_full_push_and_pull_hold_no_secret(
    env: PushEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    import connectors.intacct.sandbox.auth as sandbox_auth

    issued: list[str] = []
    real_new_session_id = sandbox_auth.new_session_id

    def recording_session_id() -> str:
        issued.append(real_new_session_id())
        return issued[-1]

    monkeypatch.setattr(sandbox_auth, "new_session_id", recording_session_id)
    env.demo.faults.configure({"expire_sessions_every": 10})
    attachment = b"%PDF-1.4\n" + os.urandom(6000) + b"ATTACHMENT-MARKER-" + uuid.uuid4().hex.encode()
    encoded = base64.b64encode(attachment).decode()

    buffer = io.StringIO()
    configure_logging(LogSettings(level="DEBUG", format="json"))
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "_gateway_handler", False))
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)
    try:
        owner = await world.new_tenant(env, "logs")
        linked = await world.link(env, owner)
        tag = uuid.uuid4().hex[:8]
        async with env.worker(env.handlers((PUSH, WEBHOOK))):
            ids = await world.push_every_type(env, linked, tag)
            # a bill of its own for the file (the other one is paid now, and a paid bill is locked)
            ids["bills"] = world.record_id(
                await world.push_and_wait(env, linked, "bills", b.bill(f"{tag}-att"))
            )
            upload = await env.client.post(
                f"{linked.base}/push/bills/{ids['bills']}/attachments",
                files={"file": ("scan.pdf", attachment, "application/pdf")},
                headers=linked.headers,
            )
            assert upload.status_code == 200, upload.text
            uploaded = await world.wait(env, linked, upload.json()["pushOperationKey"])
            assert uploaded["status"] == "Success", uploaded
            attachment_id = uploaded["changes"][0]["attachmentId"]
        async with env.worker(env.handlers(world.ALL_KINDS)):
            await world.settle(env, linked.company_id)  # the first pull of every type, queued by linking
            queued = await env.client.post(
                f"/companies/{linked.company_id}/data/queue/bills", headers=linked.headers
            )
            assert queued.status_code < 300, queued.text
            await world.settle(env, linked.company_id)
        base = f"{linked.base}/data/bills/{ids['bills']}/attachments/{attachment_id}"
        # served from Intacct, not from the gateway's copy, so the bytes cross the connector again
        await env.pool.execute(
            "DELETE FROM attachments WHERE operation_id = $1", uuid.UUID(upload.json()["pushOperationKey"])
        )
        download = await env.client.get(f"{base}/download", headers=linked.headers)
        assert download.status_code == 200 and download.content == attachment
        bills = await env.client.get(
            f"/companies/{linked.company_id}/data/bills/{ids['bills']}", headers=linked.headers
        )
        assert bills.status_code == 200, bills.text
    finally:
        configure_logging(env.settings.log)
    logs = buffer.getvalue()

    # the capture is real: debug events of every layer, with Intacct bodies redacted in them
    for event in ("intacct.request", "intacct.response", "request.completed", "intacct.signed_in"):
        assert event in logs, event
    assert "REDACTED" in logs
    assert len(issued) >= 3, "sessions were expected to expire and be renewed"
    leaks = {
        "password": [p for p in PASSWORDS if p in logs],
        "session id": [s for s in issued if s in logs],
        "attachment bytes": [
            m for m in ("ATTACHMENT-MARKER-", encoded[:40], encoded[4000:4040]) if m in logs
        ],
        "api key": [owner.api_key] if owner.api_key in logs else [],
    }
    assert leaks == {"password": [], "session id": [], "attachment bytes": [], "api key": []}
    record(
        "secrets",
        "debug log of link + 10 pushes + attachment + pull",
        f"{len(logs.splitlines())} lines, {len(issued)} sessions, 0 secrets",
    )


async def test_the_dev_default_key_is_not_the_configured_one(settings: Any) -> None:
    """Tests run with a configured key; data written with the development key would not open with it."""
    dev = CredentialCipher.from_settings(replace(settings.security, secret_key=None))
    token = dev.encrypt({"userPassword": "x"})
    with pytest.raises(CredentialsUnreadable):
        CredentialCipher.from_settings(settings.security).decrypt(token)
