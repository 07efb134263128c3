"""``facilitator-bench client``: what a participant's phone waits for, in a real browser.

Debian's Chromium, driven through Playwright, with the CPU slowed down 4x
(``Emulation.setCPUThrottlingRate``) and the network shaped by
``Network.emulateNetworkConditions``, against a server started on 127.0.0.1 with a temporary
SQLite database. The definitions of "ready" and "shown" are in ``phones.marks``.
"""
