"""How a ticket looks: the staff card, list lines, times in the centre's time zone."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from html import escape

from handlers.actions import Inline
from handlers.buttons import button, rows
from handlers.context import Ctx, Services
from handlers.texts import t
from storage.tables import Person, Ticket, TicketStatus
from storage.tickets import attachment_counts

CARD_TEXT_LIMIT = 2500  # of the resident's words on a card; Telegram allows 4096 in all
SNIPPET = 40


def local_time(ctx: Ctx, when: datetime, fmt: str = "%m-%d %H:%M") -> str:
    return when.astimezone(ctx.rules.tz).strftime(fmt)


def category_name(ctx: Ctx, category_id: str) -> str:
    return taxonomy_name(ctx.services, category_id)


def taxonomy_name(services: Services, category_id: str) -> str:
    try:
        return services.classifier.taxonomy.name(category_id)
    except KeyError:
        return category_id


def status_name(ticket: Ticket) -> str:
    return t(f"status.{ticket.status}")


def snippet(text: str, limit: int = SNIPPET) -> str:
    flat = " ".join(text.split())
    return escape(flat if len(flat) <= limit else flat[: limit - 1] + "…")


def age(ctx: Ctx, when: datetime) -> str:
    minutes = max(0, int((ctx.now - when).total_seconds() // 60))
    if minutes < 60:
        return t("age.minutes", n=minutes)
    if minutes < 48 * 60:
        return t("age.hours", n=minutes // 60)
    return t("age.days", n=minutes // (24 * 60))


def keywords_of(ticket: Ticket) -> list[str]:
    return list(json.loads(ticket.keywords or "[]"))


LEARNED = "model:"  # how the classifier tells what a learned model decided: "model:0.83"


def _reasons(words: list[str], model_key: str) -> str:
    """The classifier's why in staff's words: its matched words, or a model's score."""
    return "、".join(
        t(model_key, score=w.removeprefix(LEARNED)) if w.startswith(LEARNED) else escape(w) for w in words
    )


def urgent_reasons(ticket: Ticket) -> str:
    return _reasons(json.loads(ticket.urgent_keywords or "[]"), "card.danger_model")


def attachment_summary(counts: Counter[str]) -> str:
    return "，".join(f"{t('what.' + what)} {n}" for what, n in sorted(counts.items()))


async def card_text(ctx: Ctx, ticket: Ticket, counts: Counter[str] | None = None) -> str:
    """The card; `counts` of attachments when known (a new ticket has none) saves a query."""
    resident = await ctx.session.get(Person, ticket.resident_id)
    name = escape(resident.full_name) if resident else str(ticket.resident_id)
    if resident and resident.username:
        name += f" @{escape(resident.username)}"
    badge = t("card.urgent_badge") if ticket.urgent else ""
    status = t("card.status", status=status_name(ticket))
    if ticket.assignee_name:
        status += " · " + t("card.assignee", name=escape(ticket.assignee_name))
    words = escape(ticket.text[:CARD_TEXT_LIMIT])
    if len(ticket.text) > CARD_TEXT_LIMIT:
        words += t("card.more", id=ticket.id)
    keywords = keywords_of(ticket)
    lines = [
        t("card.title", badge=badge, id=ticket.id, category=category_name(ctx, ticket.category)),
        status,
        t("card.time", time=local_time(ctx, ticket.created_at)),
        t("card.resident", name=name),
        "",
        words,
        "",
        t("card.why", keywords=_reasons(keywords, "card.why_model")) if keywords else t("card.why_none"),
    ]
    if ticket.urgent and (reasons := urgent_reasons(ticket)):
        lines.append(t("card.danger", reasons=reasons))
    if counts is None:
        counts = await attachment_counts(session=ctx.session, ticket_id=ticket.id)
    if counts:
        lines.append(t("card.attachments", summary=attachment_summary(counts)))
    if ticket.rating:
        lines.append(t("card.rating", rating=t(f"rating.{ticket.rating}")))
    if ticket.rating_comment:
        lines.append(t("satisfaction.card_comment", text=snippet(ticket.rating_comment, 200)))
    if ticket.status == TicketStatus.CLOSED and ticket.close_reason:
        lines.append(t("card.close_reason", reason=t(f"close_reason.{ticket.close_reason}")))
    return "\n".join(lines)


def card_buttons(ticket: Ticket) -> Inline | None:
    tid = ticket.id
    if ticket.status == TicketStatus.OPEN:
        first = (button(t("button.claim"), "t", "claim", tid), button(t("button.resolve"), "t", "resolve", tid))
    elif ticket.status == TicketStatus.CLAIMED:
        first = (button(t("button.resolve"), "t", "resolve", tid), button(t("button.unclaim"), "t", "unclaim", tid))
    else:
        return None
    # staff settle urgency too: a false alarm should not keep its 10-minute clock, nor a
    # danger the classifier missed go without one
    urgency = (
        button(t("button.not_urgent"), "t", "urg", tid, "0")
        if ticket.urgent
        else button(t("button.urgent"), "t", "urg", tid, "1")
    )
    second = (button(t("button.recategorise"), "t", "cat", tid), urgency, button(t("button.close"), "t", "close", tid))
    return (first, second)


def category_picker(ctx: Ctx, prefix: str, ticket_id: int, *, back: bool) -> Inline:
    ids = ctx.services.classifier.taxonomy.ids
    choices = [button(category_name(ctx, cid), prefix, "setcat", ticket_id, cid) for cid in ids]
    picker = rows(choices, 3)
    if back:
        picker += ((button(t("button.back"), prefix, "back", ticket_id),),)
    return picker


def close_reasons(ticket_id: int) -> Inline:
    return (
        (button(t("button.close_duplicate"), "t", "why", ticket_id, "duplicate"),),
        (button(t("button.close_spam"), "t", "why", ticket_id, "spam"),),
        (button(t("button.close_out_of_scope"), "t", "why", ticket_id, "out_of_scope"),),
        (button(t("button.back"), "t", "back", ticket_id),),
    )
