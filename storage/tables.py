"""The database tables. Schema changes go through Alembic migrations in storage/migrations."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


def _when(*, index: bool = False, nullable: bool = False) -> datetime:
    return Field(default=None, sa_type=UTCDateTime, index=index, nullable=nullable)  # type: ignore[return-value]


def _tg_id(*, index: bool = False, nullable: bool = False) -> int:
    """Telegram user and chat ids exceed 32 bits."""
    return Field(default=None, sa_type=BigInteger, index=index, nullable=nullable)  # type: ignore[return-value]


class TicketStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    RESOLVED = "resolved"  # staff say it is solved; waiting for the resident's verdict
    CLOSED = "closed"


ACTIVE_STATUSES = (TicketStatus.OPEN, TicketStatus.CLAIMED)


class Person(SQLModel, table=True):
    """Anyone who wrote to the bot: residents, volunteers, staff."""

    id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    first_name: str = ""
    last_name: str | None = None
    username: str | None = None
    language: str | None = None
    phone: str | None = None
    created_at: datetime = _when()
    last_seen_at: datetime = _when()

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part) or str(self.id)


class Ticket(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(sa_column=Column(BigInteger, ForeignKey("person.id"), index=True, nullable=False))
    chat_id: int = _tg_id()
    text: str = Field(default="", sa_type=Text)
    category: str = Field(index=True)
    confidence: float = 0.0
    urgent: bool = False
    keywords: str = "[]"  # JSON list: the words that decided the category
    urgent_keywords: str = Field(default="[]", sa_column_kwargs={"server_default": "[]"})  # JSON: why urgent
    status: str = Field(default=TicketStatus.OPEN, index=True)
    assignee_id: int | None = _tg_id(nullable=True)
    assignee_name: str | None = None
    close_reason: str | None = None
    rating: str | None = None
    rating_comment: str | None = Field(default=None, sa_type=Text)
    reopened_count: int = 0
    created_at: datetime = _when(index=True)
    updated_at: datetime = _when()
    claimed_at: datetime | None = _when(nullable=True)
    resolved_at: datetime | None = _when(nullable=True)
    closed_at: datetime | None = _when(nullable=True)
    last_resident_at: datetime = _when()  # photos and locations sent soon after join this ticket


class TicketEvent(SQLModel, table=True):
    """Every change to a ticket, with who and when: its history and audit trail."""

    __tablename__ = "ticket_event"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    at: datetime = _when()
    actor_id: int | None = _tg_id(nullable=True)
    actor_name: str | None = None
    actor_role: str = "system"  # resident | staff | system
    kind: str
    text: str | None = Field(default=None, sa_type=Text)
    data: str | None = Field(default=None, sa_type=Text)  # JSON: file ids, categories, coordinates
    media_group_id: str | None = Field(default=None, index=True)


class MessageLink(SQLModel, table=True):
    """Which ticket a message in Telegram is about, so replies to it find the ticket."""

    __tablename__ = "message_link"

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    message_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    role: str  # card | resident | staff_copy | poll | ...
    poll_id: str | None = Field(default=None, index=True)
    created_at: datetime = _when()


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    SUPERSEDED = "superseded"  # an edit overtaken by a newer edit of the same message
    FAILED = "failed"  # Telegram refused it for good (blocked bot, deleted chat); kept for staff to see


class Outbox(SQLModel, table=True):
    """Every outgoing message, written in the transaction of the change that causes it."""

    __table_args__ = (Index("ix_outbox_pending", "status", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = _tg_id(index=True)
    action: str = Field(sa_type=Text)  # JSON of a handlers.actions model
    ticket_id: int | None = Field(default=None, index=True)
    link_role: str | None = None  # after sending, link the message to the ticket in this role
    supersede_key: str | None = None  # a later pending row with the same key makes this one moot
    status: str = Field(default=OutboxStatus.PENDING)
    attempts: int = 0
    not_before: datetime | None = _when(nullable=True)
    created_at: datetime = _when()
    sent_at: datetime | None = _when(nullable=True)
    message_id: int | None = _tg_id(nullable=True)
    error: str | None = Field(default=None, sa_type=Text)


class ProcessedUpdate(SQLModel, table=True):
    """The inbox: an update id is written with the update's effects, so a redelivery is a no-op."""

    __tablename__ = "processed_update"

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    at: datetime = _when()


class TimerStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"


class Timer(SQLModel, table=True):
    """Something to do later (a reminder, an overdue check); the scheduler fires it by id."""

    __table_args__ = (UniqueConstraint("key"), Index("ix_timer_due", "status", "due_at"))

    id: int | None = Field(default=None, primary_key=True)
    key: str  # kind:subject[:more], unique, so re-planning replaces instead of duplicating
    kind: str
    subject_id: int
    due_at: datetime = _when()
    status: str = Field(default=TimerStatus.PENDING)
    created_at: datetime = _when()
    fired_at: datetime | None = _when(nullable=True)


class CategoryCorrection(SQLModel, table=True):
    """A category changed by a person: what the classifier can learn from."""

    __tablename__ = "category_correction"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    text: str = Field(sa_type=Text)
    from_category: str
    to_category: str
    actor_id: int | None = _tg_id(nullable=True)
    actor_role: str
    at: datetime = _when()


class Dialog(SQLModel, table=True):
    """A short conversation in progress with one person (e.g. a volunteer application)."""

    user_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    kind: str
    step: str = ""
    data: str = Field(default="{}", sa_type=Text)
    updated_at: datetime = _when()


# volunteers ------------------------------------------------------------------------------
class VolunteerStatus(StrEnum):
    APPLIED = "applied"  # waiting for staff
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class Volunteer(SQLModel, table=True):
    """A resident who applied to volunteer; only approved ones see volunteer features."""

    id: int | None = Field(default=None, primary_key=True)  # short number staff type: /volunteers 3
    person_id: int = Field(sa_column=Column(BigInteger, ForeignKey("person.id"), unique=True, nullable=False))
    name: str
    phone: str
    areas: str = "[]"  # JSON list of category ids they can help with
    availability: str = Field(default="", sa_type=Text)
    status: str = Field(default=VolunteerStatus.APPLIED, index=True)
    applied_at: datetime = _when()
    decided_at: datetime | None = _when(nullable=True)
    decided_by: int | None = _tg_id(nullable=True)
    decided_by_name: str | None = None


class ShiftStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class ShiftSeries(SQLModel, table=True):
    """A weekly repeating shift: the rule. Concrete Shift rows are made from it weeks ahead."""

    __tablename__ = "shift_series"

    id: int | None = Field(default=None, primary_key=True)
    title: str
    place: str = ""
    area: str | None = None
    weekday: int  # ISO, 1 = Monday, in the centre's time zone
    start_time: str  # "HH:MM" local
    end_time: str
    capacity: int
    status: str = Field(default=ShiftStatus.ACTIVE)
    made_until: datetime = _when()  # occurrences exist up to here
    created_by: int | None = _tg_id(nullable=True)
    created_at: datetime = _when()


class Shift(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("series_id", "starts_at"), Index("ix_shift_upcoming", "status", "starts_at"))

    id: int | None = Field(default=None, primary_key=True)
    series_id: int | None = Field(default=None, foreign_key="shift_series.id")
    title: str
    place: str = ""
    area: str | None = None
    starts_at: datetime = _when()
    ends_at: datetime = _when()
    capacity: int
    status: str = Field(default=ShiftStatus.ACTIVE)
    created_by: int | None = _tg_id(nullable=True)
    created_at: datetime = _when()
    updated_at: datetime = _when()


class SignupStatus(StrEnum):
    SIGNED = "signed"
    WITHDRAWN = "withdrawn"  # by the volunteer: /shifts or "I can't come"
    FREED = "freed"  # the volunteer was suspended
    CANCELLED = "cancelled"  # the shift was cancelled


class Attendance(StrEnum):
    ATTENDED = "attended"
    ABSENT = "absent"  # a no-show


class ShiftSignup(SQLModel, table=True):
    """A volunteer on a shift: one row per pair, re-used when they sign up again."""

    __tablename__ = "shift_signup"
    __table_args__ = (UniqueConstraint("shift_id", "volunteer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    shift_id: int = Field(foreign_key="shift.id", index=True)
    volunteer_id: int = Field(foreign_key="volunteer.id", index=True)
    status: str = Field(default=SignupStatus.SIGNED)
    signed_at: datetime = _when()
    left_at: datetime | None = _when(nullable=True)
    confirmed_at: datetime | None = _when(nullable=True)  # "I'll be there"
    checked_in_at: datetime | None = _when(nullable=True)
    attendance: str | None = None
    attendance_by: str | None = None  # "checkin", or the staff member who set it
    points: float = 0.0  # earned when attended, at the rate of that time
