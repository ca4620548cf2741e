"""What residents do in their private chat: open tickets, add to them, follow them."""

from __future__ import annotations

import json
from datetime import timedelta
from html import escape

from handlers import deadlines, lifecycle
from handlers.actions import CopyMessage, SendLocation, SendText, Target
from handlers.buttons import arg, as_int, button, main_menu
from handlers.cards import category_name, category_picker, local_time, snippet, status_name
from handlers.context import Classification, Ctx
from handlers.events import ATTACHMENT_KINDS, ButtonPress, Kind, Message, Person
from handlers.router import Router, Scope
from handlers.texts import t
from handlers.tickets import (
    CARD,
    RESIDENT_OWN,
    STAFF,
    escalate,
    note_staff,
    open_ticket,
    refresh_card,
    tell_resident,
    touch,
)
from storage.tables import ACTIVE_STATUSES, Ticket
from storage.tickets import (
    add_event,
    album_seen,
    count_created_since,
    find_link,
    get_ticket,
    link_message,
    newest_active_ticket,
    resident_tickets,
)

router = Router()


# commands -------------------------------------------------------------------------------
@router.command("start", scope=Scope.PRIVATE)
async def start(ctx: Ctx, msg: Message, _args: str) -> None:
    name = msg.sender.first_name if msg.sender else ""
    ctx.send(
        SendText(
            chat_id=msg.chat.id,
            text=t("start.welcome", name=escape(name), centre=escape(ctx.rules.centre_name)),
            keyboard=main_menu(),
        )
    )


@router.command("help", scope=Scope.PRIVATE, menu="menu.help")
async def help_(ctx: Ctx, msg: Message, _args: str) -> None:
    ctx.send(SendText(chat_id=msg.chat.id, text=t("help.resident"), keyboard=main_menu()))


@router.command("report", scope=Scope.PRIVATE, menu="menu.report", in_menu=False)
async def report(ctx: Ctx, msg: Message, _args: str) -> None:
    ctx.send(SendText(chat_id=msg.chat.id, text=t("report.prompt")))


@router.command("my", scope=Scope.PRIVATE, menu="menu.my")
async def my_tickets(ctx: Ctx, msg: Message, _args: str) -> None:
    tickets = await resident_tickets(session=ctx.session, resident_id=msg.chat.id, limit=10)
    if not tickets:
        ctx.send(SendText(chat_id=msg.chat.id, text=t("my.none")))
        return
    lines = [t("my.header", n=len(tickets))]
    for ticket in tickets:
        lines.append(
            t(
                "my.line",
                id=ticket.id,
                status=status_name(ticket),
                category=category_name(ctx, ticket.category),
                date=local_time(ctx, ticket.created_at, "%m-%d"),
                snippet=snippet(ticket.text or "…"),
            )
        )
    active = [tk for tk in tickets if tk.status in ACTIVE_STATUSES]
    inline = tuple((button(t("my.withdraw_button", id=tk.id), "r", "wd", tk.id),) for tk in active)
    ctx.send(SendText(chat_id=msg.chat.id, text="\n\n".join(lines), inline=inline or None))


# messages -------------------------------------------------------------------------------
@router.residents_catch_all
async def on_message(ctx: Ctx, msg: Message) -> None:
    person = msg.sender
    if person is None:
        return
    flooded = ctx.services.flood.hit(
        person.id,
        ctx.now,
        limit=ctx.rules.flood_max_messages,
        window=timedelta(seconds=ctx.rules.flood_message_window_seconds),
    )
    if msg.kind is Kind.TEXT:
        await _on_text(ctx, msg, person, flooded)
    elif msg.kind in ATTACHMENT_KINDS:
        await _on_attachment(ctx, msg, person, flooded)
    elif not flooded:
        key = "bad_input.sticker" if msg.kind in (Kind.STICKER, Kind.ANIMATION) else "bad_input.unsupported"
        ctx.send(SendText(chat_id=msg.chat.id, text=t(key)))


async def _on_text(ctx: Ctx, msg: Message, person: Person, flooded: bool) -> None:
    text = msg.text.strip()
    if not text:
        ctx.send(SendText(chat_id=msg.chat.id, text=t("bad_input.empty")))
        return
    replied = await _replied_ticket(ctx, msg)
    if replied is not None:
        if replied.status in ACTIVE_STATUSES:
            await add_text(ctx, replied, msg, person, quiet=flooded)
            return
        if lifecycle.can_reopen(ctx, replied):
            await add_text(ctx, replied, msg, person, quiet=True)
            await lifecycle.reopen(ctx, replied, person, "resident", text)
            tell_resident(ctx, replied, t("ticket.reopened_by_reply", id=replied.id))
            return
    newest = await newest_active_ticket(session=ctx.session, resident_id=person.id)
    if flooded and newest is not None:
        await add_text(ctx, newest, msg, person, quiet=True)
        _warn_flood(ctx, msg, person, newest)
        return
    if newest is not None and not newest.text and ctx.now - newest.last_resident_at <= ctx.rules.attach_window:
        await _describe_media_ticket(ctx, newest, msg, person, await _classification(ctx, text))
        return
    since = ctx.now - timedelta(minutes=ctx.rules.flood_ticket_window_minutes)
    recent = await count_created_since(session=ctx.session, resident_id=person.id, since=since)
    if recent >= ctx.rules.flood_max_tickets and newest is not None:
        await add_text(ctx, newest, msg, person, quiet=True)
        _warn_flood(ctx, msg, person, newest)
        return
    classification = await _classification(ctx, text)
    ticket = await open_ticket(
        ctx, resident=person, chat_id=msg.chat.id, text=text, classification=classification, message_id=msg.message_id
    )
    _acknowledge(ctx, ticket, classification, "ticket.created")


async def _classification(ctx: Ctx, text: str) -> Classification:
    if ctx.classification is not None:
        return ctx.classification
    return await ctx.services.classify(text)


def _acknowledge(ctx: Ctx, ticket: Ticket, classification: Classification | None, key: str) -> None:
    """The answer to a new ticket. When someone may be in danger, that comes first; when
    the classifier saw none, a line still says whom to call, since it can miss one."""
    if key == "ticket.created" and ticket.category == "other":
        key = "ticket.created_other"
    text = t(key, id=ticket.id, category=category_name(ctx, ticket.category))
    if classification is not None and classification.urgent:
        text = t("urgent.resident") + "\n\n" + text
    else:
        text += "\n" + t("urgent.footer")
    inline = ((button(t("button.wrong_category"), "r", "cat", ticket.id),),)
    tell_resident(ctx, ticket, text, inline=inline)


def _warn_flood(ctx: Ctx, msg: Message, person: Person, ticket: Ticket) -> None:
    window = timedelta(seconds=ctx.rules.flood_message_window_seconds)
    if ctx.services.flood.should_warn(person.id, ctx.now, window):
        tell_resident(ctx, ticket, t("bad_input.flood", id=ticket.id))


async def _replied_ticket(ctx: Ctx, msg: Message) -> Ticket | None:
    if msg.reply_to_message_id is None:
        return None
    link = await find_link(session=ctx.session, chat_id=msg.chat.id, message_id=msg.reply_to_message_id)
    if link is None or link.ticket_id is None:
        return None
    ticket = await get_ticket(session=ctx.session, ticket_id=link.ticket_id, for_update=True)
    return ticket if ticket is not None and ticket.resident_id == msg.chat.id else None


async def add_text(ctx: Ctx, ticket: Ticket, msg: Message, person: Person, *, quiet: bool) -> None:
    """More words for a ticket. Quiet: stored and on record, without a message each time,
    unless they tell of danger now on a ticket not yet urgent: that is never kept quiet."""
    await _record_words(ctx, ticket, msg, person)
    classification = await _classification(ctx, msg.text)
    if await escalate(ctx, ticket, person, msg.text, classification):
        return
    if quiet:
        return
    note_staff(ctx, ticket, t("staff.addition_note", id=ticket.id, text=escape(msg.text)))
    warning = t("urgent.resident") + "\n\n" if classification.urgent else ""  # whom to call, again
    tell_resident(ctx, ticket, warning + t("ticket.added", id=ticket.id))


async def _record_words(ctx: Ctx, ticket: Ticket, msg: Message, person: Person) -> None:
    """The resident's message on the ticket's record; replies to it find the ticket."""
    await add_event(
        session=ctx.session,
        ticket_id=ticket.id,
        kind="message",
        now=ctx.now,
        actor_id=person.id,
        actor_name=person.full_name,
        actor_role="resident",
        text=msg.text,
    )
    await link_message(
        session=ctx.session, chat_id=msg.chat.id, message_id=msg.message_id, ticket_id=ticket.id, role=RESIDENT_OWN, now=ctx.now
    )
    ticket.last_resident_at = ctx.now
    touch(ctx, ticket)


async def _describe_media_ticket(
    ctx: Ctx, ticket: Ticket, msg: Message, person: Person, classification: Classification
) -> None:
    """Words for a ticket that began as a bare photo: they become its text and category."""
    ticket.text = msg.text.strip()
    ticket.category = classification.category
    ticket.confidence = classification.confidence
    if classification.urgent and not ticket.urgent:
        ticket.urgent = True
        ticket.urgent_keywords = json.dumps(list(classification.urgent_keywords), ensure_ascii=False)
    ticket.keywords = json.dumps(list(classification.keywords), ensure_ascii=False)
    await _record_words(ctx, ticket, msg, person)
    await deadlines.changed(ctx, ticket)
    await refresh_card(ctx, ticket)
    _acknowledge(ctx, ticket, classification, "ticket.created")


async def _on_attachment(ctx: Ctx, msg: Message, person: Person, flooded: bool) -> None:
    ticket = await _replied_ticket(ctx, msg)
    if ticket is not None and ticket.status not in ACTIVE_STATUSES:
        ticket = None
    if ticket is None:
        newest = await newest_active_ticket(session=ctx.session, resident_id=person.id)
        if newest is not None and ctx.now - newest.last_resident_at <= ctx.rules.attach_window:
            ticket = newest
    if ticket is None:
        await _open_from_attachment(ctx, msg, person)
        return
    first_of_album = msg.media_group_id is None or not await album_seen(
        session=ctx.session, ticket_id=ticket.id, media_group_id=msg.media_group_id
    )
    await _store_attachment(ctx, ticket, msg, person)
    await refresh_card(ctx, ticket)
    if first_of_album and not flooded:
        tell_resident(ctx, ticket, t("ticket.added_attachment", id=ticket.id, what=t(f"what.{msg.kind}")))


async def _open_from_attachment(ctx: Ctx, msg: Message, person: Person) -> None:
    caption = msg.text.strip()
    classification = await _classification(ctx, caption) if caption else None
    ticket = await open_ticket(
        ctx, resident=person, chat_id=msg.chat.id, text=caption, classification=classification, message_id=msg.message_id
    )
    await _store_attachment(ctx, ticket, msg, person, linked=True)
    key = "ticket.created" if caption else ("ticket.created_voice" if msg.kind is Kind.VOICE else "ticket.created_media")
    _acknowledge(ctx, ticket, classification, key)


async def _store_attachment(ctx: Ctx, ticket: Ticket, msg: Message, person: Person, *, linked: bool = False) -> None:
    data: dict[str, object] = {"what": str(msg.kind), "message_id": msg.message_id}
    if msg.file_id:
        data["file_id"] = msg.file_id
    if msg.location:
        data["latitude"], data["longitude"] = msg.location
    await add_event(
        session=ctx.session,
        ticket_id=ticket.id,
        kind="attachment",
        now=ctx.now,
        actor_id=person.id,
        actor_name=person.full_name,
        actor_role="resident",
        text=msg.text or None,
        data=data,
        media_group_id=msg.media_group_id,
    )
    if not linked:  # a photo that opened the ticket was linked when it opened it
        await link_message(
            session=ctx.session, chat_id=msg.chat.id, message_id=msg.message_id, ticket_id=ticket.id, role=RESIDENT_OWN, now=ctx.now
        )
    ticket.last_resident_at = ctx.now
    touch(ctx, ticket)
    if ctx.staff_chat_id is None:
        return
    under_card = Target(ticket_id=ticket.id, role=CARD)
    if msg.location:  # a copied location can't carry a caption; its place under the card says enough
        action: SendLocation | CopyMessage = SendLocation(
            chat_id=ctx.staff_chat_id, latitude=msg.location[0], longitude=msg.location[1], reply_to=under_card
        )
    else:
        caption = t("staff.attachment_note", id=ticket.id, what=t(f"what.{msg.kind}"))
        if msg.text:
            caption += "\n" + escape(msg.text)
        action = CopyMessage(
            chat_id=ctx.staff_chat_id,
            from_chat_id=msg.chat.id,
            message_id=msg.message_id,
            caption=None if msg.kind is Kind.VIDEO_NOTE else caption,
            reply_to=under_card,
        )
    ctx.send(action, ticket_id=ticket.id, role=STAFF)


@router.residents_edit
async def on_edit(ctx: Ctx, msg: Message) -> None:
    """An edited message: the new words join the ticket the message belongs to."""
    text = msg.text.strip()
    classification = await _classification(ctx, text) if text else None
    warning = t("urgent.resident") + "\n\n" if classification and classification.urgent else ""
    link = await find_link(session=ctx.session, chat_id=msg.chat.id, message_id=msg.message_id)
    ticket = await get_ticket(session=ctx.session, ticket_id=link.ticket_id) if link and link.ticket_id else None
    if ticket is None or ticket.resident_id != msg.chat.id or not text:
        ctx.send(SendText(chat_id=msg.chat.id, text=warning + t("ticket.edited_unknown")))
        return
    person = msg.sender
    await add_event(
        session=ctx.session,
        ticket_id=ticket.id,
        kind="edited",
        now=ctx.now,
        actor_id=person.id if person else None,
        actor_name=person.full_name if person else None,
        actor_role="resident",
        text=msg.text,
    )
    touch(ctx, ticket)
    if ticket.status in ACTIVE_STATUSES:
        if person and classification and await escalate(ctx, ticket, person, msg.text, classification):
            return
        note_staff(ctx, ticket, t("staff.edited_note", id=ticket.id, text=escape(msg.text)))
    tell_resident(ctx, ticket, warning + t("ticket.edited", id=ticket.id))


# buttons ---------------------------------------------------------------------------------
@router.button("r", staff=False)
async def resident_button(ctx: Ctx, press: ButtonPress, args: list[str]) -> None:
    verb, ticket_id = arg(args, 0), as_int(arg(args, 1))
    ticket = await get_ticket(session=ctx.session, ticket_id=ticket_id, for_update=True) if ticket_id else None
    if ticket is None or verb not in _RESIDENT_VERBS:
        ctx.answer(press.callback_id, t("bad_input.button_expired"), alert=True)
        return
    if ticket.resident_id != press.sender.id:
        ctx.answer(press.callback_id, t("refuse.not_yours"), alert=True)
        return
    await _RESIDENT_VERBS[verb](ctx, press, ticket, args)


async def _ask_category(ctx: Ctx, press: ButtonPress, ticket: Ticket, _args: list[str]) -> None:
    if ticket.status not in ACTIVE_STATUSES:
        ctx.answer(press.callback_id, t("my.cannot_withdraw", id=ticket.id, status=status_name(ticket)), alert=True)
        return
    ctx.answer(press.callback_id)
    ctx.send(
        SendText(chat_id=ticket.chat_id, text=t("category.pick"), inline=category_picker(ctx, "r", ticket.id, back=False)),
        ticket_id=ticket.id,
        role="resident",
    )


async def _set_category(ctx: Ctx, press: ButtonPress, ticket: Ticket, args: list[str]) -> None:
    new = arg(args, 2)
    if new not in ctx.services.classifier.taxonomy.ids or ticket.status not in ACTIVE_STATUSES:
        ctx.answer(press.callback_id, t("bad_input.button_expired"), alert=True)
        return
    changed = await lifecycle.change_category(ctx, ticket, new, press.sender, "resident")
    ctx.answer(press.callback_id, None if changed else t("category.unchanged"))
    if changed:
        tell_resident(ctx, ticket, t("category.changed", id=ticket.id, category=category_name(ctx, new)))


async def _ask_withdraw(ctx: Ctx, press: ButtonPress, ticket: Ticket, _args: list[str]) -> None:
    if ticket.status not in ACTIVE_STATUSES:
        ctx.answer(press.callback_id, t("my.cannot_withdraw", id=ticket.id, status=status_name(ticket)), alert=True)
        return
    ctx.answer(press.callback_id)
    inline = (
        (
            button(t("button.withdraw_confirm"), "r", "wdok", ticket.id),
            button(t("button.withdraw_keep"), "r", "wdno", ticket.id),
        ),
    )
    tell_resident(ctx, ticket, t("my.withdraw_ask", id=ticket.id), inline=inline)


async def _withdraw(ctx: Ctx, press: ButtonPress, ticket: Ticket, _args: list[str]) -> None:
    if ticket.status not in ACTIVE_STATUSES:
        ctx.answer(press.callback_id, t("my.cannot_withdraw", id=ticket.id, status=status_name(ticket)), alert=True)
        return
    ctx.answer(press.callback_id)
    await lifecycle.close(ctx, ticket, "withdrawn", press.sender, "resident")


async def _keep(ctx: Ctx, press: ButtonPress, ticket: Ticket, _args: list[str]) -> None:
    ctx.answer(press.callback_id, t("my.kept", id=ticket.id))


_RESIDENT_VERBS = {
    "cat": _ask_category,
    "setcat": _set_category,
    "wd": _ask_withdraw,
    "wdok": _withdraw,
    "wdno": _keep,
}
