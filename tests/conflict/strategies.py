"""Hypothesis strategies for random conflicts (scenario data dicts)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st


@st.composite
def conflicts(
    draw: st.DrawFn, max_actors: int = 5, max_options: int = 8, min_actors: int = 2
) -> dict[str, Any]:
    """Random scenario data: 2-5 actors, up to 8 options, random infeasibility,
    irreversibility and preferences (statements or explicit payoffs)."""
    n = draw(st.integers(min_actors, max_actors))
    total = draw(st.integers(n, max(n, max_options)))
    # split total options among n actors, each >= 1
    cuts = sorted(draw(st.lists(st.integers(1, total - 1), min_size=n - 1, max_size=n - 1,
                                unique=True))) if n > 1 else []
    sizes = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    actors = []
    refs = []
    for i, size in enumerate(sizes):
        opts = []
        for j in range(size):
            direction = draw(st.sampled_from(["both", "both", "both", "forward", "backward"]))
            opts.append({"id": f"o{j}", "reversible": direction})
            refs.append(f"A{i}.o{j}")
        actors.append({"id": f"A{i}", "options": opts})

    lit = st.sampled_from(refs).flatmap(
        lambda r: st.sampled_from([r, f"not {r}"])
    )
    clause = st.lists(lit, min_size=1, max_size=3).map(lambda xs: " and ".join(xs))
    infeasible = draw(st.lists(clause, max_size=3))
    prefs: dict[str, Any] = {}
    for a in actors:
        stm = st.lists(lit, min_size=1, max_size=2).map(
            lambda xs: " or ".join(xs)
        )
        statements = draw(st.lists(stm, min_size=1, max_size=6))
        prefs[a["id"]] = {"statements": statements}
    return {
        "detente": 1,
        "name": "random",
        "actors": actors,
        "infeasible": infeasible,
        "preferences": prefs,
    }
