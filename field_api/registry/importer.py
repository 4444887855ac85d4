"""`cuadrilla import-registry`: accounts, premises, meters and balances from a billing export.

Read and validate every row first; write nothing if any row is bad (unless skip_invalid);
then match existing rows by key, and write only what changed, with a change-log line per
changed field. docs/registry-import.md describes the file format.
"""
from __future__ import annotations

import os
import sys
from datetime import date

from sqlalchemy import Connection
from tqdm import tqdm

from field_api.models.base import utcnow

from .import_columns import map_header
from .import_db import load_snapshot, lock_registry, next_ids, write_plan
from .import_files import ImportFileError, open_table
from .import_plan import Plan, Planner
from .import_report import ImportReport
from .import_rows import Validation, validate_rows
from .import_sectors import load_sector_locator

__all__ = ["ImportReport", "import_registry"]


def import_registry(conn: Connection, path: str, skip_invalid: bool = False, sheet: str | None = None,
                    progress: bool = True, today: date | None = None) -> ImportReport:
    """Import a CSV or XLSX billing export inside the caller's transaction, and report."""
    report = ImportReport(os.path.basename(path), skip_invalid=skip_invalid)
    validation = _read_and_validate(report, path, sheet, progress, today)
    if validation is None:
        return report
    report.rows_read = validation.rows_read
    report.errors.extend(validation.errors)
    if validation.errors and not skip_invalid:
        return report
    report.rows_skipped = validation.invalid_rows
    if not validation.rows:
        report.warnings.append("no valid rows to import")

    now = utcnow()
    lock_registry(conn)
    snapshot = load_snapshot(conn, validation.rows)
    planner = Planner(snapshot, next_ids(conn), report.file_name, now)
    for row in _bar(validation.rows, progress, "comparing"):
        planner.add(row)
    plan = planner.finish(load_sector_locator(conn).locate)
    total = sum(w.count() for w in (plan.premise, plan.account, plan.meter, plan.balance)) + len(plan.change_log)
    with _bar(None, progress, "writing", total) as bar:
        write_plan(conn, plan, now, bar.update)
    _count(report, plan)
    return report


def _read_and_validate(report: ImportReport, path: str, sheet: str | None, progress: bool,
                       today: date | None) -> Validation | None:
    """Validation of every row, or None when the file as a whole cannot be used."""
    try:
        with open_table(path, sheet) as table:
            report.file_kind = table.kind
            report.notes = list(table.notes)
            if sheet and table.kind == "CSV":
                report.warnings.append(f"--sheet {sheet} ignored: a CSV file has no sheets")
            header = map_header(table.header)
            if header.unknown:
                report.warnings.append("unknown columns ignored: " + ", ".join(header.unknown))
            if header.errors:
                for column, message in header.errors:
                    report.add_file_error(message, column, table.header_row)
                return None
            records = _bar(table.records, progress, "checking", table.total_rows)
            return validate_rows(header, records, today)
    except ImportFileError as exc:
        report.add_file_error(str(exc))
        return None


def _bar(items, progress: bool, label: str, total: int | None = None):
    return tqdm(items, total=total, desc=label, unit="row", file=sys.stderr, disable=not progress,
                leave=False)


def _count(report: ImportReport, plan: Plan) -> None:
    def updated(writes):
        return sum(len(rows) for rows in writes.updates.values())

    report.premises_created, report.premises_updated = len(plan.premise.inserts), updated(plan.premise)
    report.accounts_created, report.accounts_updated = len(plan.account.inserts), updated(plan.account)
    report.accounts_unchanged = plan.accounts_unchanged
    report.meters_created, report.meters_updated = len(plan.meter.inserts), updated(plan.meter)
    report.balances_created, report.balances_updated = len(plan.balance.inserts), updated(plan.balance)
    report.changes_logged = len(plan.change_log)
    report.warnings.extend(plan.warnings)
    report.written = True
