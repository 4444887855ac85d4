"""The registry: sectors, premises, accounts, meters, readings, balances, agreements, payments."""
from __future__ import annotations

from datetime import date, datetime

from geoalchemy2 import Geometry
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from schemas import vocab

from .base import Base, UtcDateTime, Versioned, enum_column, utcnow


class Sector(Versioned, Base):
    __tablename__ = "sector"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    geom = mapped_column(Geometry("POLYGON", srid=4326, spatial_index=True), nullable=False)


class Premise(Versioned, Base):
    __tablename__ = "premise"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The billing system's key for the property (clave catastral or similar).
    cadastral_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    street: Mapped[str] = mapped_column(String(120))
    exterior_number: Mapped[str] = mapped_column(String(20))
    interior_number: Mapped[str | None] = mapped_column(String(20))
    neighborhood: Mapped[str | None] = mapped_column(String(120))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    municipality: Mapped[str | None] = mapped_column(String(120))
    state: Mapped[str | None] = mapped_column(String(60))
    geom = mapped_column(Geometry("POINT", srid=4326, spatial_index=True), nullable=False)
    land_use: Mapped[str] = enum_column(vocab.LAND_USES, "land_use")
    dwellings: Mapped[int] = mapped_column(Integer, default=1)
    connection_status: Mapped[str] = enum_column(
        vocab.CONNECTION_STATUSES, "connection_status", default="metered"
    )
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sector.id"), index=True)

    sector = relationship(Sector)


class Account(Versioned, Base):
    __tablename__ = "account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    holder_name: Mapped[str] = mapped_column(String(160))
    tariff_class: Mapped[str] = enum_column(vocab.TARIFF_CLASSES, "tariff_class")
    protected: Mapped[bool] = mapped_column(Boolean, default=False)
    # Sensitive (e.g. disability, pension): never sent to devices.
    protected_reason: Mapped[str | None] = mapped_column(Text)
    service_status: Mapped[str] = enum_column(
        vocab.SERVICE_STATUSES, "service_status", default="active", index=True
    )
    # A supervisor may let a protected account be cut, with a stated reason (recorded).
    protection_override_reason: Mapped[str | None] = mapped_column(Text)
    protection_override_by: Mapped[str | None] = mapped_column(String(80))
    premise_id: Mapped[int] = mapped_column(ForeignKey("premise.id"), index=True)

    premise = relationship(Premise)
    balance = relationship("Balance", uselist=False, back_populates="account")


class Meter(Versioned, Base):
    __tablename__ = "meter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial: Mapped[str] = mapped_column(String(40), unique=True)
    brand: Mapped[str | None] = mapped_column(String(60))
    diameter_mm: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = enum_column(vocab.METER_STATUSES, "meter_status", default="working")
    install_date: Mapped[date | None] = mapped_column(Date)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)


class Reading(Base):
    """An append-only meter reading."""

    __tablename__ = "reading"
    __table_args__ = (UniqueConstraint("meter_id", "read_on"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meter.id"), index=True)
    read_on: Mapped[date] = mapped_column(Date)
    value_m3: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = enum_column(vocab.CHANGE_SOURCES, "reading_source", default="import")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Balance(Versioned, Base):
    """What an account owes. Money is kept in integer centavos, exact on both backends."""

    __tablename__ = "balance"

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), primary_key=True)
    amount_owed_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    months_overdue: Mapped[int] = mapped_column(Integer, default=0, index=True)
    last_payment_date: Mapped[date | None] = mapped_column(Date)

    account = relationship(Account, back_populates="balance")


class PaymentAgreement(Versioned, Base):
    __tablename__ = "payment_agreement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    total_cents: Mapped[int] = mapped_column(BigInteger)
    instalments: Mapped[int] = mapped_column(Integer)
    instalments_paid: Mapped[int] = mapped_column(Integer, default=0)
    start_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = enum_column(vocab.AGREEMENT_STATUSES, "agreement_status", default="current")


class Payment(Base):
    """An append-only payment as the billing system reported it."""

    __tablename__ = "payment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date] = mapped_column(Date, index=True)  # the arrears report's payments in a range
    channel: Mapped[str] = enum_column(vocab.PAYMENT_CHANNELS, "payment_channel", default="cashier")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("payment_agreement.id"))
    # Who posted it (an API key, a user, an import file), and what it did: replayed on duplicates.
    source: Mapped[str | None] = mapped_column(String(120))
    effects: Mapped[dict | None] = mapped_column(JSON)
