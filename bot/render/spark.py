"""Sparklines: a series as block characters (▁▂▃▄▅▆▇█), readable in any Slack client."""

from __future__ import annotations

from collections.abc import Sequence

_BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float | None]) -> str:
    """One character per value, scaled to the largest; None (no data that week) is a space."""
    known = [v for v in values if v is not None]
    top = max(known, default=0.0)
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        elif top <= 0:
            out.append(_BARS[0])
        else:
            out.append(_BARS[min(len(_BARS) - 1, round(v / top * (len(_BARS) - 1)))])
    return "".join(out)
