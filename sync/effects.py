"""The "effects" an accepted record has, as plain dataclasses, and the inputs the rules read.

`sync.followups.effects_of` decides them; field_api applies them in one transaction with the
stored record. Each effect is a small instruction with everything needed to carry it out.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sync.records import NewPremise


# Premises where people live. The 2025 federal water law protects domestic supply from suspension
# for non-payment, and a mixed-use premise is also a home, so both follow the domestic cut action.
HOUSEHOLD_LAND_USES = frozenset({"domestic", "mixed"})


@dataclass(frozen=True)
class WorkItemView:
    """The server's current view of the work item a record is about."""

    id: int
    work_type: str
    subtype: str
    status: str  # now, at the server: it may have changed while the device was offline
    account_id: int | None = None
    premise_id: int | None = None
    land_use: str | None = None  # of the premise
    status_reason: str | None = None  # e.g. why it was cancelled


@dataclass(frozen=True)
class SyncPolicy:
    """The per-utility settings these rules use (names as in field_api's CollectionPolicy)."""

    summons_followup_time: time = time(10, 0)
    summons_window_minutes: int = 30
    reconnection_deadline_hours: int = 24
    domestic_cut_action: str = "restrict"
    # The state whose published non-business days the calendar holds, and the years it published;
    # None: not known, no check.
    holiday_state: str | None = None
    state_calendar_years: frozenset[int] | None = None


@dataclass(frozen=True)
class SetWorkItemStatus:
    work_item_id: int
    status: str  # done | failed
    outcome: str


@dataclass(frozen=True)
class RecordAsItHappened:
    """Keep the outcome although the item was not open for it; do not move the item."""

    work_item_id: int
    status_at_server: str
    outcome: str


@dataclass(frozen=True)
class CreateFollowUp:
    """The notice a summons announced, with a hard window the planner must honour."""

    source_work_item_id: int
    account_id: int | None
    premise_id: int | None
    window_start: datetime
    window_end: datetime
    work_type: str = "notice"
    subtype: str = "summons_followup"
    hard_window: bool = True


@dataclass(frozen=True)
class MarkNoticeServed:
    """A notice took legal effect; a later cut needs a cut warning served N days before."""

    work_item_id: int
    served_at_device: datetime  # as in the notice record
    served_at_server: datetime  # estimate, for the N-days rule


@dataclass(frozen=True)
class SetServiceStatus:
    account_id: int
    status: str  # active | restricted | suspended
    work_item_id: int
    client_uuid: str


@dataclass(frozen=True)
class AppendReading:
    meter_serial: str
    value_m3: float
    captured_at_device: datetime
    captured_at_server: datetime
    work_item_id: int
    client_uuid: str


@dataclass(frozen=True)
class CreateUrgentReconnection:
    account_id: int | None
    premise_id: int | None
    source_work_item_id: int
    deadline: datetime  # server time


@dataclass(frozen=True)
class CreateInspection:
    account_id: int | None
    premise_id: int | None
    source_work_item_id: int
    subtype: str = "illegal_connection"


@dataclass(frozen=True)
class PendingRegistration:
    """A premise found on a walk, waiting for office approval before it enters the registry."""

    premise: NewPremise
    work_item_id: int
    client_uuid: str


@dataclass(frozen=True)
class VerifyPayment:
    account_id: int | None
    work_item_id: int
    proof_photos: tuple[str, ...]


@dataclass(frozen=True)
class OfficeAlert:
    kind: str  # stable English code
    severity: str  # urgent | normal | info
    message: str  # Spanish, for the office
    work_item_id: int
    account_id: int | None = None


Effect = (SetWorkItemStatus | RecordAsItHappened | CreateFollowUp | MarkNoticeServed | SetServiceStatus
          | AppendReading | CreateUrgentReconnection | CreateInspection | PendingRegistration
          | VerifyPayment | OfficeAlert)
