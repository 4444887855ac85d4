from .access import ApiKey, AuditEvent, AuthToken, LoginAttempt, OfficeUser
from .base import Base, Versioned
from .changelog import ChangeLog
from .crews import Crew, CrewMember, Device, DeviceContact
from .dispatch import Batch, BatchDelivery, DispatchPlan, PlanRoute, PlanStop
from .holidays import HolidayCalendar, StateHoliday
from .registry import Account, Balance, Meter, Payment, PaymentAgreement, Premise, Reading, Sector
from .policy import CollectionPolicy
from .sync import (
    EnrollmentCode, FieldReading, FieldRecord, FieldRecordVariant, NoticeAct, OfficeAlert, PendingRegistration, Photo,
    RecordPhoto, ReviewItem, SyncUpload,
)
from .work import WorkEvent, WorkItem

__all__ = [
    "ApiKey", "AuditEvent", "AuthToken", "LoginAttempt", "OfficeUser",
    "Batch", "BatchDelivery", "DispatchPlan", "PlanRoute", "PlanStop",
    "Account", "Balance", "Base", "ChangeLog", "Crew", "CrewMember", "Device", "DeviceContact", "Meter",
    "CollectionPolicy", "HolidayCalendar", "Payment", "PaymentAgreement", "Premise", "Reading", "Sector",
    "StateHoliday", "Versioned",
    "WorkEvent", "WorkItem",
    "EnrollmentCode", "FieldReading", "FieldRecord", "FieldRecordVariant", "NoticeAct", "OfficeAlert",
    "PendingRegistration", "Photo", "RecordPhoto", "ReviewItem", "SyncUpload",
]
