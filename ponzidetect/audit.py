"""Per-flag audit over labelled data: coverage on positives and negatives, precision, lift.

Our take on Snorkel's labeling-function analysis: for each flag, how often it fires on scheme
texts and on legitimate ones. A flag that fires more on negatives than positives needs fixing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .engine import Registry, default_registry, extract_flags


@dataclass(frozen=True, slots=True)
class FlagAudit:
    """Audit figures of one flag on one dataset."""

    flag_id: str
    kind: str
    coverage_pos: float
    coverage_neg: float
    precision: float | None
    lift: float | None
    fired_pos: int
    fired_neg: int


def audit_flags(texts: Sequence[str], labels: Sequence[int],
                registry: Registry | None = None) -> list[FlagAudit]:
    """Audit every flag of ``registry`` on labelled texts.

    Returns
    -------
    list of FlagAudit
        ``precision`` = share of texts the flag fires on that are positive; ``lift`` =
        precision / base rate. None where the flag never fires.
    """
    registry = registry or default_registry()
    positives = sum(labels)
    negatives = len(labels) - positives
    fired = {spec.id: [0, 0] for spec in registry}
    for text, label in zip(texts, labels, strict=True):
        for result in extract_flags(text, registry).fired:
            fired[result.flag_id][0 if label else 1] += 1
    base = positives / len(labels) if labels else 0
    rows = []
    for spec in registry:
        pos, neg = fired[spec.id]
        precision = pos / (pos + neg) if pos + neg else None
        rows.append(FlagAudit(
            flag_id=spec.id, kind=spec.kind,
            coverage_pos=pos / positives if positives else 0.0,
            coverage_neg=neg / negatives if negatives else 0.0,
            precision=precision,
            lift=precision / base if precision is not None and base else None,
            fired_pos=pos, fired_neg=neg,
        ))
    return rows


def audit_markdown(name: str, rows: list[FlagAudit], positives: int, negatives: int) -> str:
    """A Markdown table of one dataset's audit (numbers only, no texts)."""
    def pct(value: float) -> str:
        return f"{value:.1%}"

    def opt(value: float | None) -> str:
        return "–" if value is None else f"{value:.2f}"

    lines = [f"### {name} ({positives} positive, {negatives} negative)", "",
             "| flag | kind | coverage on positives | coverage on negatives | precision | lift |",
             "|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row.flag_id} | {row.kind} | {pct(row.coverage_pos)} | "
                     f"{pct(row.coverage_neg)} | {opt(row.precision)} | {opt(row.lift)} |")
    return "\n".join(lines) + "\n"
