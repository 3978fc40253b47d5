"""Set-based writes Django's ORM makes slow: bulk_update's CASE WHEN grows quadratic-ish with rows."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Model, Q
from django.db.models.expressions import RawSQL


def bulk_set(model: type[Model], objs: Sequence[Model], fields: Sequence[str]) -> None:
    """UPDATE many rows to per-row values: one `UPDATE ... FROM unnest(arrays)` on PostgreSQL."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objs, fields, batch_size=1000)
        return
    meta = model._meta
    pk = meta.pk
    columns = [meta.get_field(name) for name in fields]
    arrays = [[pk.get_db_prep_value(obj.pk, connection) for obj in objs]]
    arrays += [[col.get_db_prep_save(getattr(obj, col.attname), connection) for obj in objs] for col in columns]
    types = [pk.rel_db_type(connection)] + [
        col.rel_db_type(connection) if col.is_relation else col.db_type(connection) for col in columns
    ]
    q = connection.ops.quote_name
    unnest = ", ".join(f"%s::{t}[]" for t in types)
    aliases = ", ".join(["k"] + [f"c{i}" for i in range(len(columns))])
    sets = ", ".join(f"{q(col.column)} = v.c{i}" for i, col in enumerate(columns))
    sql = (
        f"UPDATE {q(meta.db_table)} AS t SET {sets} FROM unnest({unnest}) AS v({aliases}) WHERE t.{q(pk.column)} = v.k"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)


def plot_keys_q(keys: Iterable[tuple[str, str, str]], *, model: type[Model]) -> Q:
    """Rows of `model` (with former_commune, sheet_key, number_key) whose plot key is one of `keys`.

    On PostgreSQL an indexed join against unnest(arrays): Django's OR of many Q objects costs
    more to build than to run.
    """
    keys = sorted(set(keys))
    if connection.vendor != "postgresql":
        q = Q(pk__in=[])
        for former, sheet, number in keys:
            q |= Q(former_commune_id=former, sheet_key=sheet, number_key=number)
        return q
    if not keys:
        return Q(pk__in=[])
    meta = model._meta
    quote = connection.ops.quote_name
    sql = (
        f"SELECT t.{quote(meta.pk.column)} FROM {quote(meta.db_table)} t "
        "JOIN unnest(%s::varchar[], %s::varchar[], %s::varchar[]) AS k(f, s, n) "
        "ON t.former_commune_id = k.f AND t.sheet_key = k.s AND t.number_key = k.n"
    )
    formers, sheets, numbers = (list(column) for column in zip(*keys))
    return Q(pk__in=RawSQL(sql, (formers, sheets, numbers)))


def bulk_upsert(model: type[Model], rows: Sequence[dict], *, unique: Sequence[str], update: Sequence[str]) -> None:
    """INSERT ... ON CONFLICT (unique) DO UPDATE for many rows given as {field name: value} dicts.

    On PostgreSQL one statement over unnest(arrays), without building model instances.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**row) for row in rows],
            update_conflicts=True,
            unique_fields=unique,
            update_fields=update,
            batch_size=1000,
        )
        return
    meta = model._meta
    q = connection.ops.quote_name
    names = list(rows[0])
    fields = [meta.get_field(name) for name in names]
    arrays, types, selects = [], [], []
    for i, (name, field) in enumerate(zip(names, fields)):
        if field.get_internal_type() == "JSONField":
            arrays.append([json.dumps(row[name]) for row in rows])
            types.append("text")
            selects.append(f"v.c{i}::jsonb")
        else:
            arrays.append([field.get_db_prep_save(row[name], connection) for row in rows])
            types.append(field.rel_db_type(connection) if field.is_relation else field.db_type(connection))
            selects.append(f"v.c{i}")
    columns = ", ".join(q(f.column) for f in fields)
    unnest = ", ".join(f"%s::{t}[]" for t in types)
    aliases = ", ".join(f"c{i}" for i in range(len(fields)))
    conflict = ", ".join(q(meta.get_field(name).column) for name in unique)
    sets = ", ".join(f"{q(meta.get_field(name).column)} = EXCLUDED.{q(meta.get_field(name).column)}" for name in update)
    sql = (
        f"INSERT INTO {q(meta.db_table)} ({columns}) SELECT {', '.join(selects)} FROM unnest({unnest}) AS v({aliases}) "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {sets}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
