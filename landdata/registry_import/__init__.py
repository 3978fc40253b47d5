"""The registry extract import (contract §2.1, §3): read → validate → stage → write.

The import is two phases so it stays fast and all-or-nothing at province size:

1. stream the file, validate every row in Python with the rules of
   `landdata.normalize`, and load the clean rows into a temporary staging table
   (PostgreSQL COPY; batched inserts on SQLite) — nothing of the portal's data is
   touched yet, and a single bad row refuses the whole file;
2. in one transaction, a fixed number of set-based statements upsert communes,
   former communes, plots, certificates and land users from the staging table
   (`UPDATE … FROM … WHERE something changed`, then `INSERT … SELECT … WHERE NOT
   EXISTS`), so a re-import of the same file changes nothing and the query count
   does not grow with the number of rows.

Where the time goes at province size (bench/import_registry.py): the Python work of
reading and validating (kept small: rows are tuples, checked 10,000 at a time a column
at a time, each rule once per distinct value, while the file has no error; row by row,
with the same rules, to word the errors of a chunk that has one), then the indexes and
foreign keys of the written tables. A province's first import (the plot, certificate
and land user tables empty and locked) keeps the valid rows and copies them straight
into the three tables, with the ids of plots and certificates chosen from ranges of
their sequences: no staging table, no UPDATE/NOT EXISTS statements and no joins
(`write.copy_all_new`). When an import adds many
land users compared to those already there (a province's first import), the
indexes and constraints are dropped and rebuilt once after the writes
(`landdata.bulkload`) instead of being kept up to date row by row; the audit link
`batch` has no constraint at all.

`--replace` then removes the registry rows of plots absent from the file, except
plots that the campaign already refers to (collected records, flags…): those are
kept and counted in the summary.
"""

from landdata.registry_import.columns import REGISTRY_COLUMNS
from landdata.registry_import.importer import ImportResult, registry_import
from landdata.registry_import.write import REGISTRY_TABLES

__all__ = ["REGISTRY_COLUMNS", "REGISTRY_TABLES", "ImportResult", "registry_import"]
