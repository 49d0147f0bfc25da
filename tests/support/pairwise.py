"""All-pairs payloads: every value of each parameter meets every value of each other parameter at least once.

The handler sweep sends each handler combinations of plausible and hostile values. The full product of
three parameters runs to hundreds of events for one handler; all pairs keep every two-value interaction
(a real hidden id with a valid event name, say) in far fewer.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence


def all_pairs(choices: Sequence[Sequence[object]]) -> list[tuple[object, ...]]:
    """Rows (one value per parameter, in order) covering every pair of values; the full product for <= 2."""
    if len(choices) <= 2 or any(not values for values in choices):
        return list(itertools.product(*choices))
    order = sorted(range(len(choices)), key=lambda i: -len(choices[i]))
    sizes = [len(choices[i]) for i in order]
    rows = [list(pair) for pair in itertools.product(range(sizes[0]), range(sizes[1]))]
    for column in range(2, len(order)):
        uncovered = {
            (earlier, a, b)
            for earlier in range(column)
            for a in range(sizes[earlier])
            for b in range(sizes[column])
        }
        for row in rows:
            best = max(
                range(sizes[column]),
                key=lambda b, row=row: sum(
                    (earlier, row[earlier], b) in uncovered for earlier in range(column)
                ),
            )
            row.append(best)
            uncovered -= {(earlier, row[earlier], best) for earlier in range(column)}
        for earlier, a, b in sorted(uncovered):
            row = [0] * (column + 1)
            row[earlier], row[column] = a, b
            rows.append(row)
    placed = [[0] * len(choices) for _ in rows]
    for row, target in zip(rows, placed, strict=True):
        for position, index in zip(order, row, strict=True):
            target[position] = index
    return [tuple(choices[i][index] for i, index in enumerate(target)) for target in placed]


def _gain(uncovered: set[tuple[int, int, int]], row: list[int], column: int, value: int) -> int:
    """How many uncovered pairs giving `column` this value in `row` would cover."""
    return sum((earlier, row[earlier], value) in uncovered for earlier in range(column))
