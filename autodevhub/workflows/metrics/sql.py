"""SQL building blocks the metrics share, the same on SQLite and PostgreSQL.

Percentiles use the definition of PostgreSQL's percentile_cont (linear interpolation between the two
nearest ranks), computed with ROW_NUMBER/COUNT window functions so both databases run the same query.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement


class epoch(FunctionElement):
    """Seconds since 1970 of a timestamp column."""

    type = sa.Float()
    inherit_cache = True


@compiles(epoch)
def _epoch_postgresql(element: epoch, compiler: Any, **kw: Any) -> str:
    return f"EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})"


@compiles(epoch, "sqlite")
def _epoch_sqlite(element: epoch, compiler: Any, **kw: Any) -> str:
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"


class utc_day(FunctionElement):
    """The UTC calendar day of a timestamp column, as 'YYYY-MM-DD'."""

    type = sa.String()
    inherit_cache = True


@compiles(utc_day)
def _day_postgresql(element: utc_day, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"


@compiles(utc_day, "sqlite")
def _day_sqlite(element: utc_day, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)})"


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def percentiles(source: sa.Subquery, percents: tuple[int, ...] = (50, 95)) -> sa.Select:
    """Per `source.c.key`: n and p<percent> of `source.c.value` (NULL values must be filtered out before)."""
    ranked = sa.select(
        source.c.key,
        source.c.value,
        sa.func.row_number().over(partition_by=source.c.key, order_by=source.c.value).label("rn"),
        sa.func.count().over(partition_by=source.c.key).label("n"),
    ).subquery()
    columns: list[Any] = [ranked.c.key, sa.func.max(ranked.c.n).label("n")]
    for percent in percents:
        scaled = percent * (ranked.c.n - 1)
        low_rank = scaled // 100 + 1
        fraction = (scaled % 100) / 100.0
        low = sa.func.max(sa.case((ranked.c.rn == low_rank, ranked.c.value)))
        high = sa.func.coalesce(sa.func.max(sa.case((ranked.c.rn == low_rank + 1, ranked.c.value))), low)
        columns.append((low + sa.func.max(fraction) * (high - low)).label(f"p{percent}"))
    return sa.select(*columns).group_by(ranked.c.key)
