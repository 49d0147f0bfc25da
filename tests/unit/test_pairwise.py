"""The sweep's all-pairs payloads cover every pair of values and stay far below the full product."""

from __future__ import annotations

import itertools

import pytest

from tests.support.pairwise import all_pairs


def pairs_missing(choices: list[list[object]], rows: list[tuple[object, ...]]) -> list[tuple]:
    missing = []
    for (i, first), (j, second) in itertools.combinations(enumerate(choices), 2):
        seen = {(repr(row[i]), repr(row[j])) for row in rows}
        missing += [(i, a, j, b) for a in first for b in second if (repr(a), repr(b)) not in seen]
    return missing


@pytest.mark.parametrize("sizes", [(3, 11, 18), (2, 2, 2, 2), (6, 5, 4, 3, 2), (18, 1, 11)])
def test_every_pair_of_values_meets(sizes: tuple[int, ...]) -> None:
    choices = [[f"p{i}v{v}" for v in range(size)] for i, size in enumerate(sizes)]
    rows = all_pairs(choices)
    assert pairs_missing(choices, rows) == []
    assert all(len(row) == len(sizes) for row in rows)
    assert all(row[i] in choices[i] for row in rows for i in range(len(sizes)))


def test_two_parameters_get_the_full_product_and_three_far_less() -> None:
    assert all_pairs([[1, 2], ["a", "b", "c"]]) == list(itertools.product([1, 2], ["a", "b", "c"]))
    three = [list(range(18)), list(range(11)), [True, False, "yes"]]
    rows = all_pairs(three)
    assert len(rows) <= 18 * 11 + 11 < 18 * 11 * 3
    assert all_pairs([]) == [()]


def test_unhashable_values_are_fine() -> None:
    choices = [[{"a": 1}, ["x"]], [None, {}], [[], "s", 3]]
    assert pairs_missing(choices, all_pairs(choices)) == []
