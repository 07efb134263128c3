"""Benchmarks that print figures (``facilitator bench ...``); tests never time anything."""
