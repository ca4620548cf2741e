"""Timers that fire late because the bot was down wait a moment for the news.

While the bot is down, Telegram keeps the updates for it: a staff member may have
claimed the ticket, a resident may have answered the poll. At start-up the scheduler
fires every timer that fell due meanwhile at once, before those updates are read; a
reminder sent then could be pointless, a ticket closed as "not rated" could lose the
answer queued for it. So a timer found late is moved on by a minute, once, and the
updates are handled first; its handler then sees the ticket as it really is.
"""

from __future__ import annotations

from datetime import timedelta

from handlers.context import Ctx
from storage.tables import Timer

# Later than this, the bot was not running when the timer fell due (the scheduler's own
# delay, and its sweep every 30 seconds, stay well below it).
LATE = timedelta(minutes=1)
CATCH_UP = timedelta(minutes=1)


async def wait_if_late(ctx: Ctx, timer: Timer) -> bool:
    """True if the timer fires late and has been moved on: the handler should stop here."""
    if ctx.now - timer.due_at <= LATE:
        return False
    await ctx.plan(timer.key, timer.kind, timer.subject_id, ctx.now + CATCH_UP)
    return True
