"""What a person reads: the table, the margins of the default with paired intervals, the plot.

It only reads a finished `Evaluation` (`results`), and nothing in the evaluation imports it: the
command line calls it to print. matplotlib is imported inside `plot`, so measuring never needs it
(it is an optional dependency).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from movierec.evaluation.results import Evaluation, MarginRow, Metric, ResultRow
from movierec.evaluation.split import SELECT_REVEALS

COLUMNS = (
    Metric.PRECISION,
    Metric.NDCG,
    Metric.RECALL,
    Metric.COVERAGE,
    Metric.POPULARITY,
    Metric.CANON_SHARE,
    Metric.OUTSIDE_PRECISION,
    Metric.POPULARITY_RANK,
)
# the table's headings where the JSON key is too long for a column
HEADINGS = {
    Metric.CANON_SHARE: "top-100",
    Metric.OUTSIDE_PRECISION: "P@5 outside",
    Metric.POPULARITY_RANK: "pop. rank",
}
ONE_DECIMAL = (Metric.POPULARITY, Metric.POPULARITY_RANK)


def margins(evaluation: Evaluation, split: str = "test", n: int | None = None) -> list[MarginRow]:
    """The default against every baseline (at N = `n`, or every N)."""
    return [m for m in evaluation.margins if m.split == split and (n is None or m.reveals == n)]


def format_table(evaluation: Evaluation, split: str = "test") -> str:
    """The results of one split as a plain-text table, one block per reveal count."""
    return format_rows([r for r in evaluation.results if r.split == split])


def format_rows(rows: Sequence[ResultRow]) -> str:
    width = max([9, *(len(r.method) + 1 for r in rows)])
    header = f"{'N':>3}  {'method':<{width}}{'users':>6}" + "".join(
        f"{HEADINGS.get(c, str(c)):>13}" for c in COLUMNS
    )
    lines = [header, "-" * len(header)]
    for n in sorted({r.reveals for r in rows if r.reveals is not None}):
        for r in (r for r in rows if r.reveals == n):
            values = "".join(
                f"{r.value(c):>13.1f}" if c in ONE_DECIMAL else f"{r.value(c):>13.4f}"
                for c in COLUMNS
            )
            lines.append(f"{n:>3}  {r.method:<{width}}{r.users:>6}{values}")
    return "\n".join(lines)


def format_margins(rows: Sequence[MarginRow]) -> list[str]:
    return [
        f"{m.method} vs {m.versus:<9} {m.metric!s:<11} (N = {m.reveals:>2}): "
        f"{m.difference:+.4f} ({m.relative:+.1%}), paired 95% CI ±{m.ci95:.4f}"
        for m in rows
    ]


def _params_text(params: Mapping[str, Any]) -> str:
    def text(value: Any) -> str:
        if value is None:
            return "all"  # no pruning
        return f"{value:g}" if isinstance(value, float) else str(value)

    return ", ".join(f"{k} {text(v)}" for k, v in params.items())


def render(evaluation: Evaluation) -> str:
    """The human-readable report `movierec evaluate` prints."""
    chosen = evaluation.chosen
    lines = [
        f"{evaluation.dataset}: {evaluation.users['train']:,} training users, "
        f"{evaluation.users['validation']} validation and {evaluation.users['test']} test users "
        f"(seed {evaluation.seed}); EASE λ: "
        + (", ".join(f"{k} {v:g}" for k, v in evaluation.ease_lambda.items()) or "skipped"),
        f"best people-only scoring of the grid on validation (N = {SELECT_REVEALS}): "
        f"{chosen.method} (NDCG@10 {chosen.ndcg:.4f}, P@5 {chosen.precision:.4f})",
    ]
    lines += [f"Note: {note}" for note in evaluation.notes]
    if evaluation.tuned:
        lines.append(f"Baselines tuned on validation (N = {SELECT_REVEALS}, by NDCG@10):")
        for t in evaluation.tuned:
            edge = (
                f"  ON A GRID EDGE: {', '.join(t.edges)} (the optimum may lie beyond)"
                if t.edges
                else ""
            )
            lines.append(
                f"  {t.method:<9} {_params_text(t.params)} "
                f"(NDCG@10 {t.row.ndcg:.4f}, P@5 {t.row.precision:.4f}, {len(t.tried)} tried"
                + (f", {t.seconds:.0f} s)" if t.seconds else ")")
                + edge
            )
    lines += ["", "Test split:", format_table(evaluation, "test"), ""]
    lines.append("Margins on test (paired over the same users):")
    lines += format_margins(margins(evaluation))
    if evaluation.study:
        graph = evaluation.study["graph"]
        lines.append(
            f"The blend's precomputed item graph: {graph['films']:,} films, {graph['edges']:,} "
            f"edges, {graph['megabytes']:.1f} MB as CSR, built in {graph['seconds']:.1f} s"
        )
    lines.append(f"({evaluation.seconds:.0f} s)")
    return "\n".join(lines)


def plot(evaluation: Evaluation, path: Path) -> Path:
    """NDCG@10 on validation (N = 10) against neighbors: a line per vector × similarity weighting,
    a panel per (seen weight, popularity damping); the baselines and the shipped default (the
    blend, solid red) as horizontal references, the grid's best people-only scoring as a star."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [{"method": r.method, **r.params, "ndcg@10": r.ndcg} for r in evaluation.grid]
    dampings = sorted({r["popularity_damping"] for r in rows})
    seens = sorted({r["seen_weight"] for r in rows})
    fig, axes = plt.subplots(
        len(seens),
        len(dampings),
        figsize=(4.6 * len(dampings), 3.6 * len(seens)),
        sharey=True,
        squeeze=False,
    )
    cell = {
        r.method: r
        for r in evaluation.results
        if r.split == "validation" and r.reveals == SELECT_REVEALS
    }
    families = sorted({(r["vector"], r["similarity_power"]) for r in rows})
    neighbors = sorted({r["neighbors"] for r in rows})
    references = (  # grey shades and line styles: the colours belong to the grid's lines
        ("ease-seen", "black", ":"),
        ("ease", "dimgrey", ":"),
        ("seed", "darkgrey", ":"),
        ("rp3beta", "black", "-."),
        ("ials", "dimgrey", "-."),
        ("itemknn", "darkgrey", "-."),
        ("gfcf", "black", "--"),
        ("blend", "red", "--"),
        ("default", "red", "-"),  # the shipped default: the blend, through `recommend`
    )
    for (i, seen), (j, damping) in itertools.product(enumerate(seens), enumerate(dampings)):
        ax = axes[i][j]
        panel = [r for r in rows if r["seen_weight"] == seen and r["popularity_damping"] == damping]
        for vector, power in families:
            line = sorted(
                (r["neighbors"], r["ndcg@10"])
                for r in panel
                if r["vector"] == vector and r["similarity_power"] == power
            )
            style = "-" if vector == "unit" else "--"
            ax.plot(
                *zip(*line, strict=True), style, marker="o", ms=3, label=f"{vector}, sim^{power:g}"
            )
        for name, colour, style in references:
            if name in cell:
                ax.axhline(cell[name].ndcg, color=colour, linestyle=style, label=name)
        chosen = {
            "method": evaluation.chosen.method,
            **evaluation.chosen.params,
            "ndcg@10": evaluation.chosen.ndcg,
        }
        if chosen in panel:
            ax.plot(
                chosen["neighbors"],
                chosen["ndcg@10"],
                "*",
                color="red",
                ms=14,
                label="best people-only scoring",
            )
        ax.set_xscale("log")
        ax.set_xticks(neighbors, [str(k) for k in neighbors])
        ax.minorticks_off()
        ax.set_title(f"seen weight {seen:g}, popularity damping {damping:g}", fontsize=10)
        ax.grid(alpha=0.3)
        if i == len(seens) - 1:
            ax.set_xlabel("neighbors")
        if j == 0:
            ax.set_ylabel(f"NDCG@10 (validation, N = {SELECT_REVEALS})")
    handles, labels = axes[0][0].get_legend_handles_labels()
    for ax in axes.flat:  # the star lives in one panel only
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    fig.legend(handles, labels, loc="lower center", ncol=5, fontsize=9, frameon=False)
    fig.suptitle(f"{evaluation.dataset}: scoring families against the number of neighbors")
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
