"""An upload's statements in as few round trips as the database allows.

On PostgreSQL, statements that do not need each other's answers go in one round trip (psycopg's
pipeline mode): the opening of an upload, the loading of what its records refer to, its closing.
Each round trip here costs about what PostgreSQL takes to answer a lookup by key, and SQLAlchemy's
own work per statement as much again (bench/sync.py, profiled), so they run on the driver's
cursors. Elsewhere (SpatiaLite, in process) they run one after another through SQLAlchemy.

Rows come back as tuples, by position. The statements' parameters go through SQLAlchemy's bind
processors (JSON, for one), but results do not pass its result processors: select only columns
the driver returns as they are (numbers, text, times, JSON, enums stored as text). Nor are the
defaults SQLAlchemy computes in Python (an `updated_at` on update) filled in: a statement that
would need them is refused on both backends.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Sequence

from psycopg.pq import ExecStatus
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

Step = tuple[Executable, dict[str, Any]]
TUPLES_OK = ExecStatus.TUPLES_OK

# (id(statement), dialect name): (statement, compiled, processors). The upload path runs statements
# built once (`prebuilt`); a caller that builds them anew each time only empties it now and then.
_COMPILED: dict[tuple[int, str], tuple[Executable, Any, dict]] = {}
_COMPILED_MAX = 256


class Together:
    """The statements of one upload, on the session's connection."""

    def __init__(self, session: Session):
        self.session = session
        self.conn = session.connection()
        self.pipelined = self.conn.dialect.name == "postgresql"
        self._deferred: list[str] = []

    def run(self, steps: Sequence[Step]) -> list[list[tuple]]:
        """Run `steps` in order; the rows of each (an empty list for a statement without rows)."""
        if not self.pipelined:
            for statement, _ in steps:
                _compiled(statement, self.conn)  # refused here as it would be on PostgreSQL
            return [_rows(self.conn.execute(statement, params)) for statement, params in steps]
        raw = self.conn.connection.driver_connection
        deferred, self._deferred = self._deferred, []
        cursors = []
        try:
            with raw.pipeline():
                for sql in deferred:
                    cursors.append(raw.cursor())
                    cursors[-1].execute(sql)
                for statement, params in steps:
                    compiled, processors = _compiled(statement, self.conn)
                    # With the statement's own literals, and lists written out where SQLAlchemy
                    # expands them (IN of constants).
                    state = compiled.construct_expanded_state(params)
                    processors = {**processors, **state.processors} if state.processors else processors
                    cursors.append(raw.cursor())
                    cursors[-1].execute(state.statement, {k: processors[k](v) if k in processors else v
                                                          for k, v in state.parameters.items()})
            # The result's status, not `description`, which builds a column object per column.
            return [c.fetchall() if c.pgresult.status == TUPLES_OK else [] for c in cursors[len(deferred):]]
        finally:
            for cursor in cursors:
                cursor.close()

    def defer(self, sql: str) -> None:
        """A statement without parameters or rows (SAVEPOINT, RELEASE...) that may wait for the
        next round trip; run at once where nothing is pipelined."""
        if self.pipelined:
            self._deferred.append(sql)
        else:
            self.conn.exec_driver_sql(sql)

    def flush(self) -> None:
        """Send what waits (before a statement that does not go through `run`)."""
        if self._deferred:
            self.run([])

    @contextmanager
    def savepoint(self, name: str) -> Iterator[None]:
        """What runs inside is undone on an exception, and the transaction stays usable. On
        PostgreSQL the SAVEPOINT goes out with the next round trip and its RELEASE with the one
        after the block; elsewhere SQLAlchemy's nested transaction."""
        if not self.pipelined:
            with self.session.begin_nested():
                self.session.connection()  # the session emits SAVEPOINT only when asked for its connection
                yield
            return
        self.defer(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            if f"SAVEPOINT {name}" in self._deferred:  # never sent: nothing to undo
                self._deferred.remove(f"SAVEPOINT {name}")
            else:
                self._deferred.clear()
                self.conn.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {name}")
            raise
        self.defer(f"RELEASE SAVEPOINT {name}")


def _compiled(statement: Executable, conn) -> tuple[Any, dict]:
    key = (id(statement), conn.dialect.name)
    found = _COMPILED.get(key)
    if found is None or found[0] is not statement:
        compiled = statement.compile(dialect=conn.dialect)
        prefetched = [c.name for c in (*compiled.insert_prefetch, *compiled.update_prefetch)]
        if prefetched:
            raise ValueError(f"{', '.join(prefetched)}: defaults computed in Python; run this statement "
                             f"through SQLAlchemy, not together")
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.clear()
        # The processors SQLAlchemy applies to each parameter before the driver sees it (JSON...).
        found = _COMPILED[key] = (statement, compiled, dict(compiled._bind_processors))
    return found[1], found[2]


def _rows(result) -> list[tuple]:
    return [tuple(row) for row in result] if result.returns_rows else []
