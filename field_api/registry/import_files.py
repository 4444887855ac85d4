"""Reading a billing export, CSV or XLSX, as numbered rows of cells. Pure code, no database."""
from __future__ import annotations

import codecs
import csv
import io
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

DELIMITERS = (",", ";", "\t")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, for a person."""


@dataclass
class Table:
    kind: str  # "CSV" or "XLSX"
    header: list[Any]
    header_row: int
    records: Iterator[tuple[int, list[Any]]]  # (row number in the file, cells)
    total_rows: int | None  # an estimate, for the progress bar
    notes: list[str] = field(default_factory=list)


@contextmanager
def open_table(path: str, sheet: str | None = None) -> Iterator[Table]:
    extension = os.path.splitext(path)[1].lower()
    if extension == ".csv":
        yield _csv_table(path)
    elif extension == ".xlsx":
        with _xlsx_table(path, sheet) as table:
            yield table
    else:
        raise ImportFileError(
            f"cannot import '{os.path.basename(path)}': the extension '{extension or '(none)'}' "
            "is not known; save the export as .csv or .xlsx"
        )


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252/Latin-1."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode_or_fail(data[3:], "utf-8"), "utf-8 with BOM"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_or_fail(data, "utf-16"), "utf-16"
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _decode_or_fail(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"the file says it is {encoding} but byte {exc.start} is not") from None


def sniff_delimiter(first_line: str) -> str:
    """The delimiter the header uses most; billing systems write ',' or ';' (and a few tabs)."""
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_table(path: str) -> Table:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise ImportFileError(f"cannot read '{path}': {exc.strerror}") from None
    text, encoding = decode(data)
    nul = text.find("\x00")
    if 0 <= nul < 65536:
        raise ImportFileError("the file is not text (is it a spreadsheet saved with a .csv name?)")
    if nul >= 0:  # no text column can store it, on PostgreSQL or anywhere else
        raise ImportFileError(f"line {text.count(chr(10), 0, nul) + 1} holds a NUL character (\\x00); remove it")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if not first_line:
        raise ImportFileError("the file is empty")
    delimiter = sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = _numbered(reader)
    header_row, header = next(records)
    notes = []
    if encoding not in ("utf-8", "utf-8 with BOM"):
        notes.append(f"read as {encoding} (not UTF-8)")
    return Table("CSV", header, header_row, records, text.count("\n"), notes)


def _numbered(reader) -> Iterator[tuple[int, list[str]]]:
    """Records with the file line each starts on (a quoted cell may span lines)."""
    line = 1
    try:
        for cells in reader:
            if cells:  # csv yields [] for an empty line
                yield line, cells
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileError(f"line {line}: the CSV cannot be read: {exc}") from None


@contextmanager
def _xlsx_table(path: str, sheet: str | None) -> Iterator[Table]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(f"'{os.path.basename(path)}' is not a readable XLSX workbook ({exc})") from None
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise ImportFileError(f"the workbook has no sheet '{sheet}'; its sheets are: "
                                  + ", ".join(workbook.sheetnames))
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        rows = _non_empty(enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1))
        try:
            header_row, header = next(rows)
        except StopIteration:
            raise ImportFileError(f"the sheet '{worksheet.title}' is empty") from None
        yield Table("XLSX", header, header_row, rows, worksheet.max_row,
                    [f"sheet '{worksheet.title}'"])
    finally:
        workbook.close()


def _non_empty(rows) -> Iterator[tuple[int, list[Any]]]:
    rows, number = iter(rows), 0
    while True:
        try:
            number, cells = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # noqa: BLE001 - openpyxl reads each row as it is asked for: a bad cell is a bad file
            raise ImportFileError(f"row {number + 1}: the workbook cannot be read ({type(exc).__name__}: "
                                  f"{str(exc)[:200]})") from exc
        if any(c is not None and str(c).strip() for c in cells):
            yield number, list(cells)
