"""Imports point inward: the pure packages never import Flask, SQLAlchemy or the app."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "flask_smorest", "sqlalchemy", "geoalchemy2", "alembic", "field_api")
PURE = ["sync", "routing", "field_api/domain"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def forbidden_imports(package: str, root: Path = ROOT) -> list[str]:
    bad = []
    for path in sorted((root / package).rglob("*.py")):
        for module in imported_modules(path):
            top = module.split(".")[0]
            allowed_self = package == "field_api/domain" and module.startswith("field_api.domain")
            if top in FORBIDDEN and not allowed_self:
                bad.append(f"{path.relative_to(root)} imports {module}")
    return sorted(bad)


@pytest.mark.parametrize("package", PURE)
def test_pure_package_imports_neither_flask_nor_sqlalchemy(package):
    assert (ROOT / package).is_dir()
    assert forbidden_imports(package) == []


def test_the_rule_catches_a_forbidden_import(tmp_path):
    (tmp_path / "sync").mkdir()
    (tmp_path / "sync" / "bad.py").write_text("from sqlalchemy import select\nimport flask.json\n")
    assert forbidden_imports("sync", tmp_path) == ["sync/bad.py imports flask.json", "sync/bad.py imports sqlalchemy"]


def test_a_workbook_row_the_reader_cannot_parse_is_a_file_error_naming_the_row():
    from field_api.registry.import_files import ImportFileError, _non_empty

    def rows():  # openpyxl parses each row as it is asked for, and raises what the cell's XML gives it
        yield 1, ["cuenta", "titular"]
        yield 2, [None, "  "]
        raise ValueError("invalid literal for int() with base 10: 'abc'")

    read = _non_empty(rows())
    assert next(read) == (1, ["cuenta", "titular"])
    with pytest.raises(ImportFileError, match=r"row 3: the workbook cannot be read \(ValueError: invalid literal"):
        next(read)
