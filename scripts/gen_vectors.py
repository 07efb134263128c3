"""Regenerate tests/vectors/td2v1.json, the TD2 v1 test vectors.

Deterministic: running it twice writes identical bytes.  A test compares
the committed file with a fresh generation.

    .venv/bin/python scripts/gen_vectors.py [--out PATH]
"""

import argparse
from pathlib import Path

from facilitator.td2.vectors import vectors_json

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "tests" / "vectors" / "td2v1.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output file")
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(vectors_json(), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
