"""A minimal Socket.IO client for the load generator: Engine.IO 4 / Socket.IO 5 over one
websocket, default namespace, JSON only.

python-socketio's clients cost a thread or a task chain per connection and tens of microseconds
per received packet; one asyncio loop driving hundreds of these costs a few. It speaks only what
the live room needs: connect with a cookie, emit with or without an ack, events from the server,
and answering the server's pings so that a busy connection is not dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import ssl
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

EventHandler = Callable[[str, Any], None]
_dumps = json.JSONEncoder(separators=(",", ":")).encode


class SioError(Exception):
    """The server refused the connection or closed it during the handshake."""


class SioClient:
    def __init__(self, ws: ClientConnection, on_event: EventHandler) -> None:
        self.ws = ws
        self.on_event = on_event
        self.closed = asyncio.Event()
        self._acks: dict[int, asyncio.Future[Any] | Callable[[Any], None]] = {}
        self._ids = itertools.count(1)

    @classmethod
    async def open(
        cls,
        origin: str,
        cookie: str,
        on_event: EventHandler,
        tls: ssl.SSLContext | None = None,
        address: str = "",
    ) -> SioClient:
        """Connect, pass the Engine.IO and Socket.IO handshakes, and start reading.

        An ``https`` origin is reached over ``wss`` with ``tls`` (the certificate authorities to
        trust); ``address``, if given, is connected to instead of the origin's name, which still
        goes in the TLS handshake and the ``Host`` header (a test name served on loopback).
        """
        url = origin.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
        options: dict[str, Any] = {}
        if tls is not None:
            options["ssl"] = tls
        if address:
            options["host"] = address
        ws = await connect(
            url,
            origin=origin,  # type: ignore[arg-type]
            additional_headers={"Cookie": cookie} if cookie else None,
            compression=None,  # as python-socketio's client and most browsers behind proxies
            ping_interval=None,  # Engine.IO has its own pings (answered below)
            max_queue=None,
            max_size=2**22,
            open_timeout=60,
            **options,
        )
        opened = await ws.recv()
        if not isinstance(opened, str) or not opened.startswith("0"):
            await ws.close()
            raise SioError(f"unexpected Engine.IO open: {opened!r}")
        await ws.send("40")
        answer = await ws.recv()
        if not isinstance(answer, str) or not answer.startswith("40"):
            await ws.close()
            raise SioError(f"connection refused: {answer!r}")
        client = cls(ws, on_event)
        asyncio.get_running_loop().create_task(client._read())
        return client

    async def emit(self, event: str, data: Any, ack: Callable[[Any], None] | None = None) -> None:
        """Send an event; ``ack`` (if any) is called with the server's answer."""
        if ack is None:
            await self.ws.send("42" + _dumps([event, data]))
            return
        number = next(self._ids)
        self._acks[number] = ack
        await self.ws.send(f"42{number}" + _dumps([event, data]))

    async def call(self, event: str, data: Any, timeout: float = 60) -> Any:
        """Send an event and wait for its ack."""
        number = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._acks[number] = future
        await self.ws.send(f"42{number}" + _dumps([event, data]))
        return await asyncio.wait_for(future, timeout)

    async def close(self) -> None:
        if not self.closed.is_set():
            with contextlib.suppress(ConnectionClosed):
                await self.ws.send("41")
        await self.ws.close()

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                if isinstance(raw, str):
                    await self._packet(raw)
        except ConnectionClosed:
            pass
        finally:
            self.closed.set()

    async def _packet(self, raw: str) -> None:
        if raw.startswith("42"):
            event, *args = json.loads(raw[2:])
            self.on_event(event, args[0] if args else None)
        elif raw.startswith("43"):
            bracket = raw.index("[")
            handler = self._acks.pop(int(raw[2:bracket]), None)
            args = json.loads(raw[bracket:])
            answer = args[0] if args else None
            if isinstance(handler, asyncio.Future):
                if not handler.done():
                    handler.set_result(answer)
            elif handler is not None:
                handler(answer)
        elif raw == "2":
            await self.ws.send("3")
        elif raw.startswith(("41", "1")):
            await self.ws.close()
