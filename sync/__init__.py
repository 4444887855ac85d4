"""Pure offline-sync logic: device records, idempotency, three-way merge, follow-up rules.

Plain dataclasses in, plain results out. No Flask, no SQLAlchemy (a test enforces it).
Entry point for one uploaded record: `process_record`; the pieces it uses are public too.
"""
from sync.business_calendar import BusinessCalendar, Window, fiscal_calendar, holy_week, mexico_fiscal_holidays
from sync.clock import Receipt, clock_is_suspect, clock_offset, server_order, server_time_of
from sync.effects import SyncPolicy, WorkItemView
from sync.followups import effects_of
from sync.idempotency import Decision, DecisionKind, PreviousResult, decide, normalise_uuid
from sync.merge import (
    MISSING, Applied, Conflict, ConflictKind, MergeResult, NoOp, RegistryRow, Remerged, RowUpdate,
    merge_correction, merge_record, remerge, resolve, row_key,
)
from sync.outcomes import OUTCOMES, validate
from sync.photos import missing_by_record, missing_photos, photo_problems
from sync.problems import Problem
from sync.process import RecordResult, RecordStatus, process_record
from sync.records import (
    Correction, GpsFix, InspectionFindings, NewPremise, NoticeRecord, PhotoRef, Reading, UploadRecord, fingerprint,
)

__all__ = [
    "MISSING", "OUTCOMES", "Applied", "BusinessCalendar", "Conflict", "ConflictKind", "Correction",
    "Decision", "DecisionKind", "GpsFix", "InspectionFindings", "MergeResult", "NewPremise", "NoOp",
    "NoticeRecord", "PhotoRef", "PreviousResult", "Problem", "Reading", "Receipt", "RecordResult",
    "RecordStatus", "RegistryRow", "Remerged", "RowUpdate", "SyncPolicy", "UploadRecord", "Window",
    "WorkItemView", "clock_is_suspect", "clock_offset", "decide", "effects_of", "fingerprint",
    "fiscal_calendar", "holy_week", "merge_correction", "merge_record", "mexico_fiscal_holidays",
    "missing_by_record", "missing_photos", "normalise_uuid", "photo_problems", "process_record", "remerge",
    "resolve", "row_key", "server_order", "server_time_of", "validate",
]
