"""The figures of one run of the client benchmark, and the table they print as."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field


def quantile(values: list[float], q: float) -> float:
    """Nearest-rank quantile."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@dataclass
class Row:
    what: str
    samples: dict[str, list[float]] = field(default_factory=dict)  # figure -> one per run
    note: str = ""


def _time(ms: float) -> str:
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.0f} ms"


def _size(n: float) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.2f} MB"
    return f"{n / 1000:.1f} KB" if n >= 1000 else f"{n:.0f} B"


def shown(figure: str, values: list[float]) -> str:
    """A figure's median over the runs, in its unit (read from its name)."""
    if not values:
        return "-"
    if figure in ("p50", "p95"):  # every sample of every run, not a median of runs
        return _time(quantile(values, 0.5 if figure == "p50" else 0.95))
    value = statistics.median(values)
    if figure.endswith("bytes") or figure.endswith("bytes/min"):
        return _size(value)
    if figure in ("requests", "frames"):
        return f"{value:.0f}"
    if figure.endswith("/min"):
        return f"{value:.1f}"
    return _time(value)


class Figures:
    """Rows in the order measured; each figure keeps every run's value."""

    def __init__(self, echo: Callable[[str], None] | None = None) -> None:
        self.rows: dict[str, Row] = {}
        self.echo = echo  # each value as it is measured: a long run that stops keeps them

    def add(self, what: str, figure: str, value: float, note: str = "") -> None:
        row = self.rows.setdefault(what, Row(what))
        row.samples.setdefault(figure, []).append(value)
        if self.echo is not None:
            self.echo(
                f"{what}: {figure} {shown('' if figure in ('p50', 'p95') else figure, [value])}"
            )
        if note:
            row.note = note

    def extend(self, what: str, figure: str, values: list[float]) -> None:
        for value in values:
            self.add(what, figure, value)

    def table(self) -> str:
        width = max((len(r.what) for r in self.rows.values()), default=10) + 2
        lines = [f"{'what':{width}}figures (median of the runs)"]
        for row in self.rows.values():
            parts = [f"{name} {shown(name, values)}" for name, values in row.samples.items()]
            if row.note:
                parts.append(row.note)
            lines.append(f"{row.what:{width}}" + "; ".join(parts))
        return "\n".join(lines)

    def note(self, what: str, text: str) -> None:
        self.rows.setdefault(what, Row(what)).note = text
