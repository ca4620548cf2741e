"""The composition root of the handlers: every feature's router, in one place."""

from __future__ import annotations

from handlers import residents, staff
from handlers.router import Router


def build_router() -> Router:
    router = Router()
    router.include(residents.router)
    router.include(staff.router)
    return router
