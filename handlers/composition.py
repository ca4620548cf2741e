"""The composition root of the handlers: every feature's router, in one place."""

from __future__ import annotations

from handlers import overdue, residents, satisfaction, staff, stats
from handlers.router import Router


def build_router() -> Router:
    router = Router()
    router.include(residents.router)
    router.include(staff.router)
    router.include(satisfaction.router)
    router.include(overdue.router)
    router.include(stats.router)
    return router
