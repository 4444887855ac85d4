"""Every time column stores UTC and reads back aware UTC, whatever the backend hands it."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime

from field_api.models import Base
from field_api.models.base import UtcDateTime

HMO = ZoneInfo("America/Hermosillo")


def test_every_time_column_of_the_models_is_a_utc_datetime():
    plain = [f"{table.name}.{column.name}" for table in Base.metadata.tables.values() for column in table.columns
             if isinstance(column.type, DateTime)]
    assert plain == []
    assert any(isinstance(c.type, UtcDateTime) for t in Base.metadata.tables.values() for c in t.columns)


def test_a_local_time_is_stored_as_its_utc_instant_and_a_naive_one_read_back_as_utc():
    kind = UtcDateTime()
    stored = kind.process_bind_param(datetime(2026, 11, 24, 8, 0, tzinfo=HMO), None)
    assert stored == datetime(2026, 11, 24, 15, 0, tzinfo=timezone.utc) and stored.tzinfo is timezone.utc
    read = kind.process_result_value(datetime(2026, 11, 24, 15, 0), None)
    assert read.isoformat() == "2026-11-24T15:00:00+00:00"
    assert kind.process_result_value(None, None) is None and kind.process_bind_param(None, None) is None
