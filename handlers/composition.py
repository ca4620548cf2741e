"""The composition root of the handlers: every feature's router, in one place."""

from __future__ import annotations

from handlers import (
    attendance,
    overdue,
    residents,
    satisfaction,
    shift_reminders,
    shifts,
    staff,
    stats,
    volunteer_apply,
)
from handlers.router import Router


def build_router() -> Router:
    router = Router()
    router.include(residents.router)
    router.include(staff.router)
    router.include(satisfaction.router)
    router.include(overdue.router)
    router.include(stats.router)
    router.include(volunteer_apply.router)
    router.include(shifts.router)
    router.include(shift_reminders.router)
    router.include(attendance.router)
    return router
