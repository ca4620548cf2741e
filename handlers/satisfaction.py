"""What the resident's verdict does: each poll answer, the optional comment, the words
that follow "not solved", the reminder and the closing when no answer comes.

A ticket is done only when the resident says so: a content answer closes it, "not
solved" reopens it, silence closes it as resolved but not rated.
"""

from __future__ import annotations

import json
from datetime import timedelta
from html import escape

from handlers import lifecycle, rating
from handlers.actions import SendText
from handlers.buttons import arg, as_int, button
from handlers.context import Ctx
from handlers.events import ButtonPress, Kind, Message, PollAnswer
from handlers.lateness import wait_if_late
from handlers.residents import add_text
from handlers.router import Router
from handlers.texts import t
from handlers.tickets import RESIDENT, RESIDENT_OWN, note_staff, refresh_card, tell_resident, touch
from storage.feedback import close_dialog, find_poll, open_dialog
from storage.tables import ACTIVE_STATUSES, Dialog, Ticket, TicketStatus, Timer
from storage.tickets import add_event, find_message, get_ticket, link_message

router = Router()

COMMENT = "rating_comment"  # "dissatisfied": the next text is the comment
FOLLOW_UP = "not_solved"  # "not solved": the next texts join the reopened ticket

# How long the bot waits for the first words after an answer; past it, a text is a new
# request again. Once the resident has written, more texts join only while they come
# close together (the attach window), as with photos.
WAIT_FOR_WORDS = timedelta(hours=12)


# the answer --------------------------------------------------------------------------------
@router.poll_answer
async def on_poll_answer(ctx: Ctx, answer: PollAnswer) -> None:
    link = await find_poll(session=ctx.session, poll_id=answer.poll_id)
    if link is None or link.ticket_id is None:
        return  # not a satisfaction poll
    ticket = await get_ticket(session=ctx.session, ticket_id=link.ticket_id, for_update=True)
    if ticket is None or ticket.id is None or ticket.resident_id != answer.sender.id:
        return
    newest = await find_message(session=ctx.session, ticket_id=ticket.id, role=rating.POLL)
    if ticket.status != TicketStatus.RESOLVED or newest is None or newest.poll_id != answer.poll_id:
        return  # a verdict was given already, or an older poll of a reopened ticket
    choice = rating.rating_of(answer.option_ids)
    if choice is None:
        return  # a withdrawn vote: the poll waits for a new one
    person = answer.sender
    await add_event(
        session=ctx.session,
        ticket_id=ticket.id,
        kind="rated",
        now=ctx.now,
        actor_id=person.id,
        actor_name=person.full_name,
        actor_role="resident",
        text=t(f"rating.{choice}"),
        data={"rating": choice},
    )
    if choice == "not_solved":
        await lifecycle.reopen(ctx, ticket, person, "resident", t("satisfaction.not_solved_why"))
        ticket.rating = choice  # after reopening, which clears the earlier verdict
        touch(ctx, ticket)
        await refresh_card(ctx, ticket)
        tell_resident(ctx, ticket, t("satisfaction.not_solved", id=ticket.id))
        await _wait_for_words(ctx, ticket, FOLLOW_UP)
        return
    ticket.rating = choice
    await lifecycle.close(ctx, ticket, "resolved", person, "resident", quiet=True)
    if choice == "dissatisfied":
        skip = ((button(t("satisfaction.skip_button"), "fb", "skip", ticket.id),),)
        tell_resident(ctx, ticket, t("satisfaction.ask_comment", id=ticket.id), inline=skip)
        await _wait_for_words(ctx, ticket, COMMENT)
    else:
        tell_resident(ctx, ticket, t("satisfaction.thanks", id=ticket.id))


async def _wait_for_words(ctx: Ctx, ticket: Ticket, kind: str) -> None:
    await open_dialog(
        session=ctx.session, user_id=ticket.resident_id, kind=kind, data={"ticket_id": ticket.id}, now=ctx.now
    )


# what the resident writes after it ----------------------------------------------------------
@router.dialog(COMMENT, ended_by_commands=True)
async def on_comment(ctx: Ctx, msg: Message, dialog: Dialog) -> bool:
    ticket = await _dialog_ticket(ctx, msg, dialog, WAIT_FOR_WORDS)
    if ticket is None or ticket.id is None:
        return False
    text = msg.text.strip()
    await close_dialog(session=ctx.session, user_id=dialog.user_id)
    ticket.rating_comment = text
    touch(ctx, ticket)
    person = msg.sender
    await add_event(
        session=ctx.session,
        ticket_id=ticket.id,
        kind="comment",
        now=ctx.now,
        actor_id=person.id if person else None,
        actor_name=person.full_name if person else None,
        actor_role="resident",
        text=text,
    )
    await link_message(
        session=ctx.session, chat_id=msg.chat.id, message_id=msg.message_id, ticket_id=ticket.id, role=RESIDENT_OWN, now=ctx.now
    )
    await refresh_card(ctx, ticket)
    rated = t(f"rating.{ticket.rating}") if ticket.rating else ""
    note_staff(ctx, ticket, t("satisfaction.staff_comment", id=ticket.id, rating=rated, text=escape(text)))
    tell_resident(ctx, ticket, t("satisfaction.comment_thanks", id=ticket.id))
    return True


@router.dialog(FOLLOW_UP, ended_by_commands=True)
async def on_follow_up(ctx: Ctx, msg: Message, dialog: Dialog) -> bool:
    data = json.loads(dialog.data or "{}")
    wait = ctx.rules.attach_window if data.get("wrote") else WAIT_FOR_WORDS
    ticket = await _dialog_ticket(ctx, msg, dialog, wait)
    if ticket is None or msg.sender is None:
        return False
    if ticket.status not in ACTIVE_STATUSES:
        await close_dialog(session=ctx.session, user_id=dialog.user_id)
        return False
    await add_text(ctx, ticket, msg, msg.sender, quiet=False)
    dialog.data = json.dumps({**data, "wrote": True})
    dialog.updated_at = ctx.now
    ctx.session.add(dialog)
    return True


async def _dialog_ticket(ctx: Ctx, msg: Message, dialog: Dialog, wait: timedelta) -> Ticket | None:
    """The ticket a waiting dialog is about, if this message is the words it waits for."""
    if msg.kind is not Kind.TEXT or not msg.text.strip():
        return None  # photos and the like take their usual way; the dialog goes on waiting
    if ctx.now - dialog.updated_at > wait:
        await close_dialog(session=ctx.session, user_id=dialog.user_id)
        return None
    ticket_id = json.loads(dialog.data or "{}").get("ticket_id")
    ticket = await get_ticket(session=ctx.session, ticket_id=ticket_id, for_update=True) if isinstance(ticket_id, int) else None
    if ticket is None or ticket.resident_id != msg.chat.id:
        await close_dialog(session=ctx.session, user_id=dialog.user_id)
        return None
    return ticket


@router.button("fb", staff=False)
async def feedback_button(ctx: Ctx, press: ButtonPress, args: list[str]) -> None:
    """"No comment" under the question after "dissatisfied"."""
    ticket_id = as_int(arg(args, 1))
    ticket = await get_ticket(session=ctx.session, ticket_id=ticket_id) if ticket_id else None
    if arg(args, 0) != "skip" or ticket is None:
        ctx.answer(press.callback_id, t("bad_input.button_expired"), alert=True)
        return
    if ticket.resident_id != press.sender.id:
        ctx.answer(press.callback_id, t("refuse.not_yours"), alert=True)
        return
    dialog = await ctx.session.get(Dialog, press.sender.id)
    waiting = dialog is not None and dialog.kind == COMMENT and json.loads(dialog.data or "{}").get("ticket_id") == ticket.id
    if not waiting:
        ctx.answer(press.callback_id, t("bad_input.button_expired"))
        return
    await close_dialog(session=ctx.session, user_id=press.sender.id)
    ctx.answer(press.callback_id)
    ctx.send(SendText(chat_id=ticket.chat_id, text=t("satisfaction.comment_skipped")))


# no answer ----------------------------------------------------------------------------------
@router.timer(rating.REMIND)
async def remind(ctx: Ctx, timer: Timer) -> None:
    """One gentle reminder, under the poll, while it still waits for an answer."""
    ticket = await get_ticket(session=ctx.session, ticket_id=timer.subject_id)
    if ticket is None or ticket.id is None or ticket.status != TicketStatus.RESOLVED:
        return
    closes = ticket.resolved_at + timedelta(hours=ctx.rules.poll_close_hours) if ticket.resolved_at else None
    if closes is not None and ctx.now >= closes:
        return  # the bot was down past the closing: closing it is all that is left to do
    if await wait_if_late(ctx, timer):
        return
    ctx.send(
        SendText(chat_id=ticket.chat_id, text=t("satisfaction.reminder", id=ticket.id), reply_to=rating.poll_target(ticket.id)),
        ticket_id=ticket.id,
        role=RESIDENT,
    )
    await add_event(session=ctx.session, ticket_id=ticket.id, kind="poll_reminder", now=ctx.now)


@router.timer(rating.CLOSE)
async def close_unrated(ctx: Ctx, timer: Timer) -> None:
    """No answer in time: the poll stops and the ticket closes as resolved, not rated."""
    ticket = await get_ticket(session=ctx.session, ticket_id=timer.subject_id, for_update=True)
    if ticket is None or ticket.status != TicketStatus.RESOLVED:
        return
    if await wait_if_late(ctx, timer):
        return  # an answer may be among the updates that queued up while the bot was down
    await lifecycle.close(ctx, ticket, "unrated", None, "system")
