"""What staff do in their group: work ticket cards, reply to residents, list and look up."""

from __future__ import annotations

import json
from html import escape

from handlers import lifecycle
from handlers.actions import CopyMessage, SendPhoto, SendText, Target
from handlers.buttons import arg, as_int
from handlers.cards import (
    age,
    card_buttons,
    card_text,
    category_name,
    category_picker,
    close_reasons,
    local_time,
    snippet,
    status_name,
)
from handlers.context import Ctx
from handlers.events import ButtonPress, Kind, Message
from handlers.router import Router, Scope
from handlers.texts import has, t
from handlers.tickets import RESIDENT, STAFF, refresh_card, tell_resident
from storage.tables import ACTIVE_STATUSES, Ticket, TicketEvent, TicketStatus
from storage.tickets import (
    add_event,
    find_link,
    get_ticket,
    link_message,
    open_tickets,
    ticket_events,
)

router = Router()

OPEN_LIST_LIMIT = 30
MESSAGE_LIMIT = 4000  # Telegram allows 4096 characters


# commands -------------------------------------------------------------------------------
@router.command("start", scope=Scope.STAFF, in_menu=False)
@router.command("staffhelp", scope=Scope.STAFF)
async def staff_help(ctx: Ctx, msg: Message, _args: str) -> None:
    ctx.send(SendText(chat_id=msg.chat.id, text=t("help.staff")))


@router.command("help", scope=Scope.STAFF, in_menu=False)
async def staff_help_alias(ctx: Ctx, msg: Message, args: str) -> None:
    await staff_help(ctx, msg, args)


@router.command("open", scope=Scope.STAFF)
async def list_open(ctx: Ctx, msg: Message, _args: str) -> None:
    tickets, total = await open_tickets(session=ctx.session, limit=OPEN_LIST_LIMIT)
    if not tickets:
        ctx.send(SendText(chat_id=msg.chat.id, text=t("staff.open_none")))
        return
    lines = [t("staff.open_header", n=total)]
    for ticket in tickets:
        lines.append(
            t(
                "staff.open_line",
                badge="🚨" if ticket.urgent else "",
                id=ticket.id,
                category=category_name(ctx, ticket.category),
                status=status_name(ticket),
                assignee=f"（{escape(ticket.assignee_name)}）" if ticket.assignee_name else "",
                age=age(ctx, ticket.created_at),
                snippet=snippet(ticket.text or "…"),
            )
        )
    if total > len(tickets):
        lines.append(t("staff.open_more", n=total - len(tickets)))
    ctx.send(SendText(chat_id=msg.chat.id, text=_fit("\n\n".join(lines))))


@router.command("ticket", scope=Scope.STAFF)
async def show_ticket(ctx: Ctx, msg: Message, args: str) -> None:
    ticket_id = as_int(args.strip().lstrip("#"))
    if ticket_id is None:
        ctx.send(SendText(chat_id=msg.chat.id, text=t("staff.ticket_usage")))
        return
    ticket = await get_ticket(session=ctx.session, ticket_id=ticket_id)
    if ticket is None:
        ctx.send(SendText(chat_id=msg.chat.id, text=t("staff.not_found", id=ticket_id)))
        return
    history = [t("staff.history_header")]
    for event in await ticket_events(session=ctx.session, ticket_id=ticket.id):
        history.append(
            t(
                "staff.history_line",
                time=local_time(ctx, event.at),
                who=escape(_who(event)),
                what=_describe(ctx, event),
            )
        )
    head = await card_text(ctx, ticket)
    ctx.send(
        SendText(chat_id=msg.chat.id, text=_fit(head + "\n\n" + "\n".join(history), keep_end=True)),
        ticket_id=ticket.id,
        role=STAFF,
    )


def _who(event: TicketEvent) -> str:
    if event.actor_role == "staff":
        return event.actor_name or t("who.system")
    return t(f"who.{event.actor_role}") if event.actor_role in ("resident", "system") else event.actor_role


def _describe(ctx: Ctx, event: TicketEvent) -> str:
    data = json.loads(event.data) if event.data else {}
    text = escape(snippet(event.text or "", 60)) if event.text else ""
    if event.kind == "attachment":
        return t("event.attachment", what=t(f"what.{data.get('what', 'document')}"))
    if event.kind == "category_changed":
        return t("event.category_changed", old=category_name(ctx, data.get("old", "")), new=category_name(ctx, data.get("new", "")))
    if event.kind == "urgency_changed":
        return t("event.made_urgent" if data.get("urgent") else "event.made_not_urgent")
    if event.kind in ("closed",):
        return t("event.closed", reason=t(f"close_reason.{event.text}") if event.text else "")
    key = f"event.{event.kind}"
    return t(key, text=text, what="") if has(key) else escape(event.kind)


def _fit(text: str, *, keep_end: bool = False) -> str:
    """Telegram refuses messages over 4096 characters; cut the middle of long histories."""
    if len(text) <= MESSAGE_LIMIT:
        return text
    if keep_end:
        return text[: MESSAGE_LIMIT // 2] + "\n…\n" + text[-MESSAGE_LIMIT // 2 + 10 :]
    return text[: MESSAGE_LIMIT - 1] + "…"


# buttons on cards ---------------------------------------------------------------------------
@router.button("t", staff=True)
async def card_button(ctx: Ctx, press: ButtonPress, args: list[str]) -> None:
    verb, ticket_id = arg(args, 0), as_int(arg(args, 1))
    handler = _STAFF_VERBS.get(verb)
    if handler is None or ticket_id is None:
        ctx.answer(press.callback_id, t("bad_input.button_expired"), alert=True)
        return
    ticket = await get_ticket(session=ctx.session, ticket_id=ticket_id, for_update=True)
    if ticket is None:
        ctx.answer(press.callback_id, t("staff.not_found", id=ticket_id), alert=True)
        return
    await handler(ctx, press, ticket, args)


def _cannot(ctx: Ctx, press: ButtonPress, ticket: Ticket) -> None:
    ctx.answer(press.callback_id, t("staff.cannot", id=ticket.id, status=status_name(ticket)), alert=True)


async def _claim(ctx: Ctx, press: ButtonPress, ticket: Ticket, _args: list[str]) -> None:
    if ticket.status == TicketStatus.CLAIMED and ticket.assignee_id != press.sender.id:
        ctx.answer(press.callback_id, t("staff.claimed_by_other", id=ticket.id, name=ticket.assignee_name), alert=True)
        return
    if ticket.status != TicketStatus.OPEN:
        _cannot(ctx, press, ticket)
        return
    await lifecycle.claim(ctx, ticket, press.sender)
    ctx.answer(press.callback_id, t("staff.done_claim", id=ticket.id))


async def _unclaim(ctx: Ctx, press: ButtonPress, ticket: Ticket, _args: list[str]) -> None:
    if ticket.status != TicketStatus.CLAIMED:
        _cannot(ctx, press, ticket)
        return
    await lifecycle.unclaim(ctx, ticket, press.sender)
    ctx.answer(press.callback_id, t("staff.done_unclaim", id=ticket.id))


async def _resolve(ctx: Ctx, press: ButtonPress, ticket: Ticket, _args: list[str]) -> None:
    if ticket.status not in ACTIVE_STATUSES:
        _cannot(ctx, press, ticket)
        return
    await lifecycle.resolve(ctx, ticket, press.sender)
    ctx.answer(press.callback_id, t("staff.done_resolve", id=ticket.id))


async def _pick_category(ctx: Ctx, press: ButtonPress, ticket: Ticket, _args: list[str]) -> None:
    if ticket.status not in ACTIVE_STATUSES:
        _cannot(ctx, press, ticket)
        return
    await refresh_card(ctx, ticket, inline=category_picker(ctx, "t", ticket.id, back=True))
    ctx.answer(press.callback_id, t("card.pick_category"))


async def _set_category(ctx: Ctx, press: ButtonPress, ticket: Ticket, args: list[str]) -> None:
    new = arg(args, 2)
    if new not in ctx.services.classifier.taxonomy.ids:
        ctx.answer(press.callback_id, t("bad_input.button_expired"), alert=True)
        return
    if ticket.status not in ACTIVE_STATUSES:
        _cannot(ctx, press, ticket)
        return
    if await lifecycle.change_category(ctx, ticket, new, press.sender, "staff"):
        tell_resident(ctx, ticket, t("resident.category_changed", id=ticket.id, category=category_name(ctx, new)))
    else:
        await refresh_card(ctx, ticket)
    ctx.answer(press.callback_id, t("staff.done_category", id=ticket.id, category=category_name(ctx, new)))


async def _set_urgency(ctx: Ctx, press: ButtonPress, ticket: Ticket, args: list[str]) -> None:
    wanted = arg(args, 2)
    if wanted not in ("0", "1"):
        ctx.answer(press.callback_id, t("bad_input.button_expired"), alert=True)
        return
    if ticket.status not in ACTIVE_STATUSES:
        _cannot(ctx, press, ticket)
        return
    urgent = wanted == "1"
    if not await lifecycle.change_urgency(ctx, ticket, urgent, press.sender, "staff"):
        await refresh_card(ctx, ticket)  # a second press, or a stale card: show it as it is
    ctx.answer(press.callback_id, t("staff.done_urgent" if urgent else "staff.done_not_urgent", id=ticket.id))


async def _pick_reason(ctx: Ctx, press: ButtonPress, ticket: Ticket, _args: list[str]) -> None:
    if ticket.status not in ACTIVE_STATUSES:
        _cannot(ctx, press, ticket)
        return
    await refresh_card(ctx, ticket, inline=close_reasons(ticket.id))
    ctx.answer(press.callback_id, t("card.pick_reason"))


async def _close(ctx: Ctx, press: ButtonPress, ticket: Ticket, args: list[str]) -> None:
    reason = arg(args, 2)
    if reason not in ("duplicate", "spam", "out_of_scope"):
        ctx.answer(press.callback_id, t("bad_input.button_expired"), alert=True)
        return
    if ticket.status not in ACTIVE_STATUSES:
        _cannot(ctx, press, ticket)
        return
    await lifecycle.close(ctx, ticket, reason, press.sender, "staff")
    ctx.answer(press.callback_id, t("staff.done_close", id=ticket.id))


async def _back(ctx: Ctx, press: ButtonPress, ticket: Ticket, _args: list[str]) -> None:
    await refresh_card(ctx, ticket, inline=card_buttons(ticket))
    ctx.answer(press.callback_id)


_STAFF_VERBS = {
    "claim": _claim,
    "unclaim": _unclaim,
    "resolve": _resolve,
    "cat": _pick_category,
    "setcat": _set_category,
    "urg": _set_urgency,
    "close": _pick_reason,
    "why": _close,
    "back": _back,
}


# replies to the resident ---------------------------------------------------------------------
@router.staff_replies
async def reply_to_resident(ctx: Ctx, msg: Message) -> None:
    """A staff member replied to a card (or another message about a ticket): pass it on."""
    assert msg.reply_to_message_id is not None and msg.sender is not None
    link = await find_link(session=ctx.session, chat_id=msg.chat.id, message_id=msg.reply_to_message_id)
    ticket = await get_ticket(session=ctx.session, ticket_id=link.ticket_id) if link and link.ticket_id else None
    if ticket is None:
        if msg.reply_to_sender_id == ctx.services.bot_id:
            ctx.send(SendText(chat_id=msg.chat.id, text=t("staff.reply_unknown")))
        return  # staff talking among themselves
    here = Target(message_id=msg.message_id)
    if ticket.status == TicketStatus.CLOSED:
        ctx.send(SendText(chat_id=msg.chat.id, text=t("staff.reply_closed", id=ticket.id), reply_to=here))
        return
    words = msg.text.strip()
    if msg.kind is Kind.TEXT and not words:
        return
    if ticket.status == TicketStatus.OPEN:  # whoever answers the resident is handling it
        await lifecycle.claim(ctx, ticket, msg.sender)
    centre = escape(ctx.rules.centre_name)
    if msg.kind is Kind.TEXT:
        key = "resident.reply_signed" if ctx.rules.show_staff_names else "resident.reply"
        tell_resident(ctx, ticket, t(key, centre=centre, id=ticket.id, text=escape(words), name=escape(msg.sender.full_name)))
    elif msg.kind is Kind.PHOTO and msg.file_id:
        caption = t("resident.reply_photo", centre=centre, id=ticket.id, caption=("：" + escape(words)) if words else "")
        ctx.send(SendPhoto(chat_id=ticket.chat_id, file_id=msg.file_id, caption=caption), ticket_id=ticket.id, role=RESIDENT)
    else:
        caption = t("resident.reply_photo", centre=centre, id=ticket.id, caption=("：" + escape(words)) if words else "")
        ctx.send(
            CopyMessage(chat_id=ticket.chat_id, from_chat_id=msg.chat.id, message_id=msg.message_id, caption=caption),
            ticket_id=ticket.id,
            role=RESIDENT,
        )
    await add_event(
        session=ctx.session,
        ticket_id=ticket.id,
        kind="reply" if msg.kind is Kind.TEXT else "reply_photo",
        now=ctx.now,
        actor_id=msg.sender.id,
        actor_name=msg.sender.full_name,
        actor_role="staff",
        text=words or None,
        data={"message_id": msg.message_id, "file_id": msg.file_id} if msg.file_id else None,
    )
    # staff may reply to their own reply later; it still belongs to this ticket
    await link_message(session=ctx.session, chat_id=msg.chat.id, message_id=msg.message_id, ticket_id=ticket.id, role=STAFF, now=ctx.now)
