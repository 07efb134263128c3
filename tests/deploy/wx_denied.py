"""Run a command with no writable-and-executable memory, as ``MemoryDenyWriteExecute=yes``.

systemd (252, Debian 12) enforces that setting with a seccomp filter; Linux 6.3 and later
offer the same rule as ``prctl(PR_SET_MDWE)``, which needs no privilege and is kept across
``execve`` and by every child. The two differ in one corner: the filter also refuses
``mprotect(PROT_EXEC)`` on memory that is already executable, which loading ordinary shared
libraries never does (only text relocations would). Exits 3 where the kernel lacks it.

    python wx_denied.py PROGRAM ARGS...
"""

from __future__ import annotations

import ctypes
import mmap
import os
import sys

PR_SET_MDWE = 65
PR_MDWE_REFUSE_EXEC_GAIN = 1


def deny_write_execute() -> bool:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
        return False
    try:
        mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    except OSError:
        return True
    return False


if __name__ == "__main__":
    if not deny_write_execute():
        print("this kernel cannot refuse writable-and-executable memory (Linux >= 6.3)")
        sys.exit(3)
    os.execv(sys.argv[1], sys.argv[1:])  # noqa: S606
