"""What a registry import did, or why it did nothing, as counts and a readable text."""
from __future__ import annotations

from dataclasses import dataclass, field

from .import_rows import RowError

MAX_LISTED_ERRORS = 50


@dataclass
class ImportReport:
    file_name: str
    skip_invalid: bool = False
    file_kind: str = ""
    rows_read: int = 0
    rows_skipped: int = 0
    accounts_created: int = 0
    accounts_updated: int = 0
    accounts_unchanged: int = 0
    premises_created: int = 0
    premises_updated: int = 0
    meters_created: int = 0
    meters_updated: int = 0
    balances_created: int = 0
    balances_updated: int = 0
    changes_logged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # True once rows were written; False when errors (or an unreadable file) stopped the import.
    written: bool = False
    # The file as a whole is unusable (unreadable, a required column missing): no row can be saved.
    fatal: bool = False

    def add_file_error(self, message: str, column: str | None = None, row: int | None = None) -> None:
        self.fatal = True
        self.errors.append(RowError(row, column, message))

    def describe(self) -> str:
        source = f"{self.file_name} ({', '.join([self.file_kind, *self.notes])})" if self.file_kind \
            else self.file_name
        lines = [f"Registry import of {source}: {self.rows_read:,} row{'' if self.rows_read == 1 else 's'} read."]
        if self.written:
            lines += [
                f"Accounts: {self.accounts_created:,} created, {self.accounts_updated:,} updated, "
                f"{self.accounts_unchanged:,} unchanged.",
                f"Premises: {self.premises_created:,} created, {self.premises_updated:,} updated.",
                f"Meters: {self.meters_created:,} created, {self.meters_updated:,} updated.",
                f"Balances: {self.balances_created:,} created, {self.balances_updated:,} updated.",
                f"Change log: {self.changes_logged:,} changed fields recorded.",
            ]
            if self.rows_skipped:
                lines.append(f"Skipped: {self.rows_skipped:,} invalid rows (listed below).")
        if self.warnings:
            lines.append(f"Warnings ({len(self.warnings):,}):")
            lines += [f"  - {w}" for w in self.warnings[:MAX_LISTED_ERRORS]]
            if len(self.warnings) > MAX_LISTED_ERRORS:
                lines.append(f"  ... and {len(self.warnings) - MAX_LISTED_ERRORS:,} more")
        if self.errors:
            lines.append(f"Errors ({len(self.errors):,}):")
            lines += [f"  - {_where(e)}{e.message}" for e in self.errors[:MAX_LISTED_ERRORS]]
            if len(self.errors) > MAX_LISTED_ERRORS:
                lines.append(f"  ... and {len(self.errors) - MAX_LISTED_ERRORS:,} more")
        if not self.written:
            lines.append("Nothing was changed." + (
                " Fix the rows above, or rerun with --skip-invalid to import the valid rows."
                if self.errors and not self.fatal and not self.skip_invalid else ""))
        return "\n".join(lines)


def _where(error: RowError) -> str:
    parts = []
    if error.row is not None:
        parts.append(f"row {error.row}")
    if error.column:
        parts.append(f"column '{error.column}'")
    return (", ".join(parts) + ": ") if parts else ""
