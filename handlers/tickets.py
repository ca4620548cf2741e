"""What every feature does to a ticket: open it, show it to staff, tell the resident."""

from __future__ import annotations

import json
from collections import Counter
from html import escape

from handlers import deadlines
from handlers.actions import EditText, Inline, Keyboard, SendText, Target
from handlers.cards import card_buttons, card_text
from handlers.context import Classification, Ctx
from handlers.events import Person
from handlers.texts import t
from storage.tables import Ticket
from storage.tickets import add_event, create_ticket, link_message

# Roles of messages linked to a ticket; a reply to any of them finds the ticket.
CARD = "card"  # the staff card
RESIDENT = "resident"  # the bot's messages to the resident about the ticket
RESIDENT_OWN = "resident_own"  # the resident's own messages that opened or joined it
STAFF = "staff"  # other messages in the staff group about the ticket


def card_key(ticket_id: int) -> str:
    return f"card:{ticket_id}"


async def open_ticket(
    ctx: Ctx,
    *,
    resident: Person,
    chat_id: int,
    text: str,
    classification: Classification | None,
    message_id: int,
) -> Ticket:
    ticket = await create_ticket(
        session=ctx.session,
        resident_id=resident.id,
        chat_id=chat_id,
        text=text,
        category=classification.category if classification else "other",
        confidence=classification.confidence if classification else 0.0,
        urgent=classification.urgent if classification else False,
        keywords=tuple(classification.keywords) if classification else (),
        urgent_keywords=tuple(classification.urgent_keywords) if classification and classification.urgent else (),
        now=ctx.now,
    )
    await add_event(
        session=ctx.session,
        ticket_id=ticket.id,
        kind="created",
        now=ctx.now,
        actor_id=resident.id,
        actor_name=resident.full_name,
        actor_role="resident",
        text=text,
        data={"urgent_keywords": list(classification.urgent_keywords)} if classification and classification.urgent else None,
    )
    await link_message(
        session=ctx.session, chat_id=chat_id, message_id=message_id, ticket_id=ticket.id, role=RESIDENT_OWN, now=ctx.now
    )
    await deadlines.start(ctx, ticket, new=True)
    await post_card(ctx, ticket)
    return ticket


async def escalate(ctx: Ctx, ticket: Ticket, person: Person, text: str, classification: Classification) -> bool:
    """Later words tell of danger now on a ticket not yet urgent: it becomes urgent, staff
    hear at once and the resident is told whom to call. False if nothing changed."""
    if ticket.urgent or not classification.urgent:
        return False
    ticket.urgent = True
    ticket.urgent_keywords = json.dumps(list(classification.urgent_keywords), ensure_ascii=False)
    await add_event(
        session=ctx.session,
        ticket_id=ticket.id,
        kind="urgent",
        now=ctx.now,
        actor_id=person.id,
        actor_name=person.full_name,
        actor_role="resident",
        text=text,
        data={"urgent_keywords": list(classification.urgent_keywords)},
    )
    await deadlines.changed(ctx, ticket)
    await refresh_card(ctx, ticket)
    note_staff(ctx, ticket, t("staff.urgent_note", id=ticket.id, text=escape(text)))
    tell_resident(ctx, ticket, t("urgent.resident") + "\n\n" + t("ticket.urgent_added", id=ticket.id))
    return True


async def post_card(ctx: Ctx, ticket: Ticket) -> None:
    if ctx.staff_chat_id is None:
        return
    text = await card_text(ctx, ticket, Counter())  # a new ticket has no attachments yet
    ctx.send(
        SendText(chat_id=ctx.staff_chat_id, text=text, inline=card_buttons(ticket)),
        ticket_id=ticket.id,
        role=CARD,
    )


_DEFAULT: Inline = ()


async def refresh_card(ctx: Ctx, ticket: Ticket, inline: Inline | None = _DEFAULT) -> None:
    """Edit the card in place to show the ticket as it is now.

    Every card edit carries the whole card, so an edit still waiting in the outbox can be
    dropped when a newer one follows (the staff group may take only 20 messages a minute).
    """
    if ctx.staff_chat_id is None:
        return
    ctx.send(
        EditText(
            chat_id=ctx.staff_chat_id,
            target=Target(ticket_id=ticket.id, role=CARD),
            text=await card_text(ctx, ticket),
            inline=card_buttons(ticket) if inline is _DEFAULT else inline,
        ),
        ticket_id=ticket.id,
        supersede_key=card_key(ticket.id),
    )


def tell_resident(
    ctx: Ctx, ticket: Ticket, text: str, *, inline: Inline | None = None, keyboard: Keyboard | None = None
) -> None:
    ctx.send(
        SendText(chat_id=ticket.chat_id, text=text, inline=inline, keyboard=keyboard),
        ticket_id=ticket.id,
        role=RESIDENT,
    )


def note_staff(ctx: Ctx, ticket: Ticket, text: str) -> None:
    """A message in the staff group under the ticket's card."""
    if ctx.staff_chat_id is None:
        return
    ctx.send(
        SendText(chat_id=ctx.staff_chat_id, text=text, reply_to=Target(ticket_id=ticket.id, role=CARD)),
        ticket_id=ticket.id,
        role=STAFF,
    )


def touch(ctx: Ctx, ticket: Ticket) -> None:
    ticket.updated_at = ctx.now
    ctx.session.add(ticket)
