"""A bare Flask-SocketIO broadcast server: the yardstick the live room is measured against.

Same server mode (gevent), same events and payloads as the real live room, but no sign-in, no
database and no checks: it only relays. Started with ``GEVENT_ENTRY`` (gevent patches first).
"""

from __future__ import annotations

import itertools
import sys
from typing import Any

from flask import Flask
from flask_socketio import SocketIO, emit, join_room

GEVENT_ENTRY = (
    "from gevent import monkey; monkey.patch_all(); import sys; "
    "from facilitator.bench.bare_server import main; main(int(sys.argv[1]))"
)


def main(port: int) -> None:
    app = Flask(__name__)
    socketio = SocketIO(app, async_mode="gevent", cors_allowed_origins="*")
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
    socketio.run(app, host="127.0.0.1", port=port, log_output=False)


if __name__ == "__main__":
    main(int(sys.argv[1]))
