"""The resident's verdict on a resolved ticket: the poll that asks, and the short
conversation (a comment, more words) that an answer can open."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import Dialog, MessageLink


async def find_poll(*, session: AsyncSession, poll_id: str) -> MessageLink | None:
    """The message of a poll the bot sent, by Telegram's poll id."""
    return (await session.exec(select(MessageLink).where(MessageLink.poll_id == poll_id))).first()


async def open_dialog(
    *, session: AsyncSession, user_id: int, kind: str, data: dict[str, Any], now: datetime
) -> None:
    """Start (or replace) the one conversation a person has with the bot."""
    await session.merge(Dialog(user_id=user_id, kind=kind, step="", data=json.dumps(data), updated_at=now))


async def close_dialog(*, session: AsyncSession, user_id: int, kind: str | None = None) -> None:
    """End a person's conversation (only if it is of `kind`, when given)."""
    dialog = await session.get(Dialog, user_id)
    if dialog is not None and (kind is None or dialog.kind == kind):
        await session.delete(dialog)
