"""A bare Flask-SocketIO broadcast server: the yardstick the live room is measured against.

Same server mode (gevent), same events and payloads as the real live room, and the same Redis
message queue when several processes share a room; but no sign-in, no database and no checks:
it only relays. Started with ``GEVENT_ENTRY`` (gevent patches first).
"""

from __future__ import annotations

import itertools
import sys
from typing import Any

import socketio as socketio_lib
from flask import Flask
from flask_socketio import SocketIO, emit, join_room

from facilitator.wsgi_server import wsgi_server

GEVENT_ENTRY = (
    "from gevent import monkey; monkey.patch_all(); import sys; "
    "from facilitator_bench.bare_server import main; main(int(sys.argv[1]), sys.argv[2])"
)


def main(port: int, redis_url: str = "") -> None:
    app = Flask(__name__)
    manager = (
        socketio_lib.RedisManager(redis_url, redis_options={"max_connections": 2000})
        if redis_url
        else None
    )
    socketio = SocketIO(app, async_mode="gevent", cors_allowed_origins="*", client_manager=manager)
    counter = itertools.count(1)

    @socketio.on("join_dialogue")  # type: ignore[untyped-decorator]
    def join(data: Any) -> dict[str, Any]:
        join_room(f"dialogue:{data['dialogue_id']}")
        return {"messages": [], "more": False}

    @socketio.on("send_message")  # type: ignore[untyped-decorator]
    def send(data: Any) -> dict[str, Any]:
        posted = {"seq": next(counter), "kind": "msg", **data["envelope"]}
        emit("message_posted", posted, to=f"dialogue:{data['dialogue_id']}")
        return {"seq": posted["seq"], "message_id": posted["message_id"]}

    print("Serving", flush=True)
    wsgi_server(app, "127.0.0.1", port).serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "")
