"""What the server writes to its logs when something fails: never a client address, a path, an
id or an event's arguments, since any of them can tie a person to a dialogue.

A failure is logged as the kind of exception and the code it went through (file, line, function
and source line of each frame): enough to find a bug, with none of the values it was handling.
The exception's own message is left out, because messages often quote the values (a ``KeyError``
names the missing key, a database error quotes the statement's parameters).
"""

from __future__ import annotations

import traceback
from types import TracebackType
from typing import Any

from flask import Flask, request


def describe_failure(error: BaseException) -> str:
    """The exception's type and the frames it went through, without its message or values."""
    frames = traceback.format_tb(error.__traceback__)
    return f"{type(error).__module__}.{type(error).__qualname__}\n" + "".join(frames)


class PrivateLogFlask(Flask):
    """Flask, except that an unhandled exception is logged under its route's rule
    (``/api/v1/dialogues/<dialogue_id>``) rather than the path that names the dialogue."""

    def log_exception(
        self,
        exc_info: tuple[type[BaseException], BaseException, TracebackType]
        | tuple[None, None, None],
    ) -> None:
        error = exc_info[1]
        rule: Any = request.url_rule.rule if request.url_rule is not None else "(no route)"
        detail = describe_failure(error) if error is not None else "(no exception)"
        self.logger.error("Exception on %s [%s]: %s", rule, request.method, detail)
