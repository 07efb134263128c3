"""Running CPU-heavy work (Argon2id hashing) off the event loop.

Under gevent (``facilitator serve``) every greenlet, the live room's included, shares one
thread: an Argon2id hash computed there stops them all for as long as it takes (tens to
hundreds of milliseconds each). Here such work runs in a small pool of native threads of its
own; argon2-cffi releases the GIL while it hashes, so the loop goes on meanwhile. The pool is
bounded (``MAX_THREADS``): a burst of sign-ins waits for a thread rather than taking every
core, and the sign-in throttle bounds how many can come at all. Without gevent (threading mode,
the tests' and the development server's), each request has a thread of its own already, and the
work runs where it is called.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
MAX_THREADS = 2
_pool: Any = None
_pool_guard = threading.Lock()


def loop_is_gevent() -> bool:
    """Whether this process runs on gevent's loop (the standard library patched)."""
    from gevent import monkey

    return bool(monkey.is_module_patched("threading"))


def _threadpool() -> Any:
    global _pool
    with _pool_guard:
        if _pool is None:
            from gevent.threadpool import ThreadPool

            _pool = ThreadPool(MAX_THREADS)
        return _pool


def off_loop(work: Callable[..., T], *args: Any) -> T:
    """``work(*args)``, in the bounded thread pool under gevent; the calling greenlet waits and
    the others run."""
    if not loop_is_gevent():
        return work(*args)
    result: T = _threadpool().apply(work, args)
    return result
