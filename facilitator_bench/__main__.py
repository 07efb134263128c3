"""``python -m facilitator_bench live ...``: the same as ``facilitator-bench live ...``."""

from facilitator_bench.cli import main

main()
