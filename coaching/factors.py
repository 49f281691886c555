"""The explanation every engine output carries: which inputs moved it, and by how much."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Factor:
    """One input's contribution to a result.

    ``key`` is a stable machine name ("hrv", "sleep", "acwr"...) that templates map to words;
    ``value`` is the observed value in ``unit``; ``contribution`` is its signed effect on the
    result, in the result's own unit (readiness points, log-odds, seconds...); ``usual`` is the
    runner's normal range for the input when one is known.
    """

    key: str
    value: float | None
    unit: str
    contribution: float
    usual: tuple[float, float] | None = None
    detail: dict[str, float | str] = field(default_factory=dict)


def top_factors(factors: list[Factor] | tuple[Factor, ...], n: int = 3) -> list[Factor]:
    """The ``n`` factors with the largest absolute contribution, largest first."""
    return sorted(factors, key=lambda f: abs(f.contribution), reverse=True)[:n]
