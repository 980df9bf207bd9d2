"""Running the sandbox without sockets (``SandboxTransport``) or on loopback (``serve``).

``SandboxTransport`` is an ``httpx.AsyncBaseTransport`` like ``httpx.ASGITransport``, with the two
network failures our client must handle turned into the exceptions a real socket gives:

* a connection dropped after the commit (fault ``drop_after_commit_rate``) -> ``httpx.RemoteProtocolError``;
* an answer slower than the request's read timeout -> ``httpx.ReadTimeout``, raised only once the
  sandbox has committed the request's writes (the sandbox keeps working after the client gave up).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from connectors.intacct.sandbox.server import SandboxApp, create_app
from connectors.intacct.sandbox.state import SandboxState


class SandboxTransport(httpx.AsyncBaseTransport):
    """httpx transport that calls the sandbox ASGI app in-process."""

    def __init__(
        self, app: SandboxApp | None = None, *, client: tuple[str, int] = ("127.0.0.1", 50000)
    ) -> None:
        self.app = app if app is not None else create_app()
        self.client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        committed = asyncio.Event()
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": request.url.scheme,
            "path": request.url.path,
            "raw_path": request.url.raw_path.split(b"?")[0],
            "root_path": "",
            "query_string": request.url.query,
            "headers": [(k.lower(), v) for k, v in request.headers.raw],
            "server": (request.url.host, request.url.port or (443 if request.url.scheme == "https" else 80)),
            "client": self.client,
            "extensions": {"sandbox.committed": committed},
        }
        received = False
        status: int | None = None
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        complete = asyncio.Event()

        async def receive() -> dict[str, Any]:
            nonlocal received
            if received:
                await complete.wait()
                return {"type": "http.disconnect"}
            received = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status, headers = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    complete.set()

        task = asyncio.ensure_future(self.app(scope, receive, send))
        # a cancelled caller leaves the app running (a real server keeps working after the client
        # gives up); retrieve its outcome so an abandoned failure is not reported as unhandled
        task.add_done_callback(_consume)
        timeout = (request.extensions.get("timeout") or {}).get("read")
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout)
        except TimeoutError:
            waiter = asyncio.ensure_future(committed.wait())
            await asyncio.wait([waiter, task], return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            task.cancel()
            await asyncio.gather(waiter, return_exceptions=True)
            await asyncio.gather(task, return_exceptions=True)
            raise httpx.ReadTimeout("sandbox answer slower than the read timeout", request=request) from None
        except Exception as exc:
            if status is None or not complete.is_set():
                raise httpx.RemoteProtocolError(
                    "Server disconnected without sending a complete response.", request=request
                ) from exc
            raise
        if status is None or not complete.is_set():
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a complete response.", request=request
            )
        return httpx.Response(status, headers=headers, content=b"".join(chunks), request=request)


def _consume(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()


def make_server(host: str = "127.0.0.1", port: int = 8001, state: SandboxState | None = None) -> Any:
    """A ``uvicorn.Server`` for the sandbox (start it with ``.run()`` or ``await .serve()``)."""
    import uvicorn

    config = uvicorn.Config(create_app(state), host=host, port=port, log_level="warning", lifespan="on")
    return uvicorn.Server(config)


def serve(host: str = "127.0.0.1", port: int = 8001, state: SandboxState | None = None) -> None:
    """Run the sandbox with uvicorn until interrupted (``gateway sandbox serve``)."""
    make_server(host, port, state).run()
