"""Set-based writes Django's ORM makes slow: bulk_update's CASE WHEN grows quadratic-ish with rows."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, ForeignObject, Lookup, Model, Q
from django.db.models.expressions import RawSQL
from django.db.models.lookups import In


class AnyOf(Lookup):
    """`field__any=values`: `field = ANY(%s)` with the values as one array parameter on PostgreSQL, an IN
    list elsewhere. `__in` sends one placeholder per value, each prepared by Django and parsed by psycopg:
    with matching's 1,000-value lists that costs more than running the query. Values go as given (ids, text)."""

    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            return In(self.lhs, list(self.rhs)).as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        cast = self.lhs.output_field.db_type(connection)
        return f"{lhs} = ANY(%s::{cast}[])", [*lhs_params, pg_array(self.rhs)]


def pg_array(values: Iterable[Any]) -> str:
    """A PostgreSQL array literal of `values` (None as NULL), to be passed as one text parameter and cast.

    psycopg adapts a list element by element in Python, with a regular expression per element to decide
    its quoting: five times slower than a literal at matching's 1,000-value arrays, which it sends dozens
    of per chunk. So the literal is built a column at a time: integers as the list's own text, text joined at
    once (escaped only when some value needs it), other values written once per distinct value. Every
    element but integers and NULL is double-quoted, backslashes and quotes escaped (the array syntax)."""
    values = values if isinstance(values, list | tuple) else list(values)
    try:
        plain = "".join(values)  # TypeError unless every value is text
    except TypeError:
        pass
    else:
        if not values:
            return "{}"
        joined = '","'.join(map(_quoted, values) if "\\" in plain or '"' in plain else values)
        return '{"' + joined + '"}'
    kinds = set(map(type, values))
    if kinds == {int}:  # a list's own text, "[1, 2]", is the quickest; spaces between elements are allowed
        return "{" + str(list(values))[1:-1] + "}"
    if kinds == {int, type(None)}:
        return "{" + ",".join(["NULL" if value is None else str(value) for value in values]) + "}"
    if kinds <= _BY_DISTINCT_VALUE:
        of = {value: _element(value) for value in set(values)}
        return "{" + ",".join(map(of.__getitem__, values)) + "}"
    return "{" + ",".join(map(_element, values)) + "}"


# Types whose equal values are written alike (1 == True == 1.0, and Decimal("1.0") == Decimal("1.00"), are not).
_BY_DISTINCT_VALUE = frozenset({str, int, type(None), dt.date, dt.datetime})


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _element(value: Any) -> str:
    if value is None:
        return "NULL"
    if value.__class__ is int:
        return str(value)
    text = value.isoformat() if isinstance(value, dt.date | dt.time) else str(value)
    return '"' + _quoted(text) + '"'


def register_lookups() -> None:
    """Called from VerificationConfig.ready(); foreign keys keep lookups of their own (ForeignObject)."""
    Field.register_lookup(AnyOf)
    ForeignObject.register_lookup(AnyOf)


def bulk_set(model: type[Model], rows: Sequence[Mapping[str, Any]], fields: Sequence[str]) -> None:
    """UPDATE many rows to per-row values given as {"id": pk, field: value} dicts: one
    `UPDATE ... FROM unnest(arrays)` on PostgreSQL, without building model instances."""
    if not rows:
        return
    meta = model._meta
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update([model(**row) for row in rows], fields, batch_size=1000)
        return
    q = connection.ops.quote_name
    names = [meta.pk.name, *fields]
    arrays, selects = _unnest_arrays(model, names, rows)
    sets = ", ".join(f"{q(meta.get_field(name).column)} = {select}" for name, select in zip(fields, selects[1:]))
    sql = f"UPDATE {q(meta.db_table)} AS t SET {sets} FROM {arrays} WHERE t.{q(meta.pk.column)} = {selects[0]}"
    with connection.cursor() as cursor:
        cursor.execute(sql, _columns(names, rows, model))


def plot_keys_q(keys: Iterable[tuple[str, str, str]], *, model: type[Model], **also_in: Iterable[str]) -> Q:
    """Rows of `model` (with former_commune, sheet_key, number_key) whose plot key is one of `keys`, or
    (`also_in`, e.g. holder_id_number=[...]) whose column holds one of the values given for it.

    On PostgreSQL an indexed join against unnest(arrays), and a UNION of indexed lookups for `also_in`:
    Django's OR of many Q objects costs more to build than to run, and an OR across columns scans the
    whole table.
    """
    keys = sorted(set(keys))
    also = {name: sorted(set(values)) for name, values in also_in.items() if values}
    if connection.vendor != "postgresql":
        q = Q(pk__in=[])
        for former, sheet, number in keys:
            q |= Q(former_commune_id=former, sheet_key=sheet, number_key=number)
        for name, values in also.items():
            q |= Q(**{f"{name}__in": values})
        return q
    meta = model._meta
    quote = connection.ops.quote_name
    pk, table = quote(meta.pk.column), quote(meta.db_table)
    parts, params = [], []
    if keys:
        parts.append(
            f"SELECT t.{pk} FROM {table} t "
            "JOIN unnest(%s::varchar[], %s::varchar[], %s::varchar[]) AS k(f, s, n) "
            "ON t.former_commune_id = k.f AND t.sheet_key = k.s AND t.number_key = k.n"
        )
        params += [pg_array(column) for column in zip(*keys)]
    for name, values in also.items():
        parts.append(f"SELECT {pk} FROM {table} WHERE {quote(meta.get_field(name).column)} = ANY(%s::varchar[])")
        params.append(pg_array(values))
    if not parts:
        return Q(pk__in=[])
    return Q(pk__in=RawSQL(" UNION ".join(parts), params))


def bulk_upsert(
    model: type[Model], rows: Sequence[Mapping[str, Any]], *, unique: Sequence[str], update: Sequence[str]
) -> None:
    """INSERT ... ON CONFLICT (unique) DO UPDATE for many rows given as {field name: value} dicts.

    On PostgreSQL one statement over unnest(arrays), without building model instances, and a row that
    exists with the same values in `update` (auto_now columns aside) is left as it is, not rewritten.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            [model(**row) for row in rows],
            update_conflicts=True,
            unique_fields=unique,
            update_fields=update,
            batch_size=1000,
        )
        return
    q = connection.ops.quote_name
    column = {name: q(model._meta.get_field(name).column) for name in [*unique, *update]}
    conflict = ", ".join(column[name] for name in unique)
    sets = ", ".join(f"{column[name]} = EXCLUDED.{column[name]}" for name in update)
    compared = [column[name] for name in update if not getattr(model._meta.get_field(name), "auto_now", False)]
    table = q(model._meta.db_table)
    changed = (
        f" WHERE ({', '.join(f'{table}.{c}' for c in compared)}) IS DISTINCT FROM "
        f"({', '.join(f'EXCLUDED.{c}' for c in compared)})"
        if compared
        else ""
    )
    _insert(model, rows, f"ON CONFLICT ({conflict}) DO UPDATE SET {sets}{changed}")


def bulk_insert(model: type[Model], rows: Sequence[Mapping[str, Any]], *, ignore_conflicts: bool = False) -> None:
    """INSERT many rows given as {field name: value} dicts, every column given (no model defaults are
    applied): one statement over unnest(arrays) on PostgreSQL, without building model instances."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            [model(**row) for row in rows], batch_size=1000, ignore_conflicts=ignore_conflicts
        )
        return
    _insert(model, rows, "ON CONFLICT DO NOTHING" if ignore_conflicts else "")


def _insert(model: type[Model], rows: Sequence[Mapping[str, Any]], conflict: str) -> None:
    q = connection.ops.quote_name
    names = list(rows[0])
    arrays, selects = _unnest_arrays(model, names, rows)
    columns = ", ".join(q(model._meta.get_field(name).column) for name in names)
    sql = f"INSERT INTO {q(model._meta.db_table)} ({columns}) SELECT {', '.join(selects)} FROM {arrays} {conflict}"
    with connection.cursor() as cursor:
        cursor.execute(sql, _columns(names, rows, model))


def _unnest_arrays(
    model: type[Model], names: Sequence[str], rows: Sequence[Mapping[str, Any]]
) -> tuple[str, list[str]]:
    """(`unnest(%s::type[], ...) AS v(c0, ...)`, the select expression of each name) for `_columns`' arrays."""
    types, selects = [], []
    for i, name in enumerate(names):
        field = model._meta.get_field(name)
        if field.get_internal_type() == "JSONField":
            types.append("text")
            selects.append(f"v.c{i}::jsonb")
        else:
            types.append(field.rel_db_type(connection) if field.is_relation else field.db_type(connection))
            selects.append(f"v.c{i}")
    unnest = ", ".join(f"%s::{t}[]" for t in types)
    aliases = ", ".join(f"c{i}" for i in range(len(names)))
    return f"unnest({unnest}) AS v({aliases})", selects


def _columns(names: Sequence[str], rows: Sequence[Mapping[str, Any]], model: type[Model]) -> list[str]:
    """One array literal per name (pg_array), each value as the database takes it (JSON as text)."""
    arrays = []
    for name in names:
        field = model._meta.get_field(name)
        if field.get_internal_type() == "JSONField":
            arrays.append(pg_array(json.dumps(row[name]) for row in rows))
        elif field.get_internal_type() in _PASSED_AS_IS:
            arrays.append(pg_array(row[name] for row in rows))
        else:
            prep = field.get_db_prep_save
            arrays.append(pg_array(prep(row[name], connection) for row in rows))
    return arrays


# Values pg_array writes as they are (ids, text, numbers, flags, dates, aware times): Django's per-value
# preparation of these only converts types the callers already give, and costs more than the statement
# at 1,000 rows (a date-time's took 8 µs a value).
_PASSED_AS_IS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DateField",
        "DateTimeField",
        "DecimalField",
        "FloatField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",  # LandUserStatus.land_user: an id, as a ForeignKey's
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)
