"""When a page counts as "ready" and a message as "shown": read from the DOM, in the page.

A script added before the page's own records ``performance.now()`` (milliseconds since the
navigation started) the first time each condition holds, checked after every DOM change:

- **ready, live page** (``/p/<id>/live``): ``#live-status`` has ``data-state="live"``: the
  device joined the room over its socket and holds the present (the newest page and everything
  stored after it); older history may still be coming (``data-older``).
- **history complete**: ``#live-status`` has ``data-state="live"`` and no ``data-older``: the
  device also holds every older message (the room's state is a replay of all of them).
- **ready, participant home** (``/p/<id>``): ``#loading`` is hidden and ``#content`` is not:
  the dialogue was verified and its programme shown.
- **first message shown**: an element ``#messages li.message:not(.pending) .message-text``
  exists (a message opened and in the stream, not one still being sent).
- **latest message shown**: the same for ``li.message[data-seq="<seq of the latest>"]``.
- **a message shown on another phone**: a ``.message-text`` in ``#messages`` whose text is the
  one sent appears on the receiving page; measured from the sender's click on the composer's
  send button (both pages' ``performance.timeOrigin + performance.now()``, one machine's clock).
"""

from __future__ import annotations

import json

MESSAGE = "#messages li.message:not(.pending) .message-text"

_WATCH = """
(() => {
  const targets = %s;
  const marks = {};
  window.__benchMarks = marks;
  const checks = {
    live: () => document.querySelector('#live-status[data-state="live"]'),
    complete: () => document.querySelector('#live-status[data-state="live"]:not([data-older])'),
    home: () => {
      const loading = document.getElementById("loading");
      const content = document.getElementById("content");
      return loading && content && loading.hidden && !content.hidden;
    },
    first: () => document.querySelector(%s),
    latest: () => targets.latest !== null && document.querySelector(
      `#messages li.message:not(.pending)[data-seq="${targets.latest}"] .message-text`),
  };
  const check = () => {
    for (const [name, holds] of Object.entries(checks)) {
      if (!(name in marks) && holds()) marks[name] = performance.now();
    }
  };
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, attributes: true,
    attributeFilter: ["data-state", "data-older", "hidden"],
  });
})();
"""

_SEEN = """
(text) => {
  window.__benchSeen = window.__benchSeen || {};
  const seen = () => [...document.querySelectorAll("#messages li.message .message-text")]
    .slice(-20).some((node) => node.textContent === text);
  const observer = new MutationObserver(() => {
    if (seen()) {
      observer.disconnect();
      window.__benchSeen[text] = performance.timeOrigin + performance.now();
    }
  });
  const options = { subtree: true, childList: true, characterData: true };
  observer.observe(document.getElementById("messages"), options);
}
"""

SEND = """
() => {
  const at = performance.timeOrigin + performance.now();
  document.querySelector("#composer button[type=submit]").click();
  return at;
}
"""


def watch_script(latest_seq: int | None = None) -> str:
    return _WATCH % (json.dumps({"latest": latest_seq}), json.dumps(MESSAGE))


def seen_script() -> str:
    """A function of the text to wait for: ``window.__benchSeen[text]`` is set to the time it
    was shown."""
    return _SEEN
