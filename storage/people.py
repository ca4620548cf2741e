"""People who wrote to the bot."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.tables import Person

SEEN_RESOLUTION = timedelta(minutes=10)


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
        person = Person(id=person_id, created_at=now, last_seen_at=now)
        session.add(person)
    # written only when something changed, so a chatty person costs no update per message
    if (person.first_name, person.last_name, person.username, person.language) != (
        first_name,
        last_name,
        username,
        language,
    ):
        person.first_name, person.last_name = first_name, last_name
        person.username, person.language = username, language
    if now - person.last_seen_at > SEEN_RESOLUTION:
        person.last_seen_at = now
    return person
