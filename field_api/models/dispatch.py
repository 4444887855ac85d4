"""Dispatch: a day's plan (routes and stops per crew) and the batches published from it."""
from __future__ import annotations

from datetime import date, datetime

from geoalchemy2 import Geometry
from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UtcDateTime, Versioned, enum_column, utcnow

PLAN_STATUSES = ("draft", "published", "superseded", "discarded")


class DispatchPlan(Versioned, Base):
    __tablename__ = "dispatch_plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = enum_column(PLAN_STATUSES, "plan_status", default="draft")
    time_budget_s: Mapped[float] = mapped_column(Float)
    pesos_per_crew_hour: Mapped[float] = mapped_column(Float)
    created_by: Mapped[str | None] = mapped_column(String(80))
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    replan_of_id: Mapped[int | None] = mapped_column(ForeignKey("dispatch_plan.id"))
    # Value covered, km, hours, and every unassigned work item with its reason.
    summary: Mapped[dict] = mapped_column(JSON, default=dict)

    routes = relationship("PlanRoute", back_populates="plan", order_by="PlanRoute.id")


class PlanRoute(Base):
    __tablename__ = "plan_route"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("dispatch_plan.id"), index=True)
    crew_id: Mapped[int] = mapped_column(ForeignKey("crew.id"), index=True)
    geom = mapped_column(Geometry("LINESTRING", srid=4326, spatial_index=False), nullable=False)
    start_at: Mapped[datetime] = mapped_column(UtcDateTime)
    end_at: Mapped[datetime] = mapped_column(UtcDateTime)
    distance_m: Mapped[int] = mapped_column(Integer)
    travel_s: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)

    plan = relationship(DispatchPlan, back_populates="routes")
    stops = relationship("PlanStop", back_populates="route", order_by="PlanStop.seq")


class PlanStop(Base):
    __tablename__ = "plan_stop"
    __table_args__ = (Index("ix_plan_stop_route_id_seq", "route_id", "seq", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("plan_route.id"))
    work_item_id: Mapped[int] = mapped_column(ForeignKey("work_item.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    eta: Mapped[datetime] = mapped_column(UtcDateTime)
    start_at: Mapped[datetime] = mapped_column(UtcDateTime)
    departure: Mapped[datetime] = mapped_column(UtcDateTime)

    route = relationship(PlanRoute, back_populates="stops")


class Batch(Base):
    """One crew's published route for one day: what its devices download."""

    __tablename__ = "batch"
    __table_args__ = (Index("ix_batch_crew_id_service_date", "crew_id", "service_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("plan_route.id"), unique=True)
    crew_id: Mapped[int] = mapped_column(ForeignKey("crew.id"))
    service_date: Mapped[date] = mapped_column(Date)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Set when a re-publish replaced this batch; devices then switch to the newer one.
    superseded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    route = relationship(PlanRoute)


class BatchDelivery(Base):
    """The first time the server sent a batch to a device, in a package: the office sees which crews
    have their route on a phone."""

    __tablename__ = "batch_delivery"

    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), primary_key=True, index=True)
    delivered_at: Mapped[datetime] = mapped_column(UtcDateTime)
