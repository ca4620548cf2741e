"""People who wrote to the bot."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import Person


async def upsert_person(
    *,
    session: AsyncSession,
    person_id: int,
    first_name: str,
    last_name: str | None,
    username: str | None,
    language: str | None,
    now: datetime,
) -> Person:
    person = await session.get(Person, person_id)
    if person is None:
        person = Person(id=person_id, created_at=now)
        session.add(person)
    person.first_name = first_name
    person.last_name = last_name
    person.username = username
    person.language = language
    person.last_seen_at = now
    return person
