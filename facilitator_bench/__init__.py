"""Benchmarks that print figures (``facilitator-bench ...``); tests never time anything.

A tool beside the server: it builds and drives the server like any operator would, and the
server never imports it."""
