"""Framework updates into the project's events.

python-telegram-bot and aiogram both model the Bot API with the same attribute names
(`message.from_user`, `photo[-1].file_id`, `callback_query.data`...), so one reader
serves both adapters and the two can't drift apart.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from handlers.events import ButtonPress, Chat, ChatType, Event, Kind, Message, Person, PollAnswer

_MEDIA = (
    ("photo", Kind.PHOTO),
    ("voice", Kind.VOICE),
    ("audio", Kind.AUDIO),
    ("video", Kind.VIDEO),
    ("video_note", Kind.VIDEO_NOTE),
    ("animation", Kind.ANIMATION),  # before document: a GIF carries both
    ("document", Kind.DOCUMENT),
    ("sticker", Kind.STICKER),
)


def to_event(update: Any) -> Event | None:
    """The event for an update, or None for kinds the bot does not act on."""
    if update.message is not None:
        return _message(update.update_id, update.message, edited=False)
    if update.edited_message is not None:
        return _message(update.update_id, update.edited_message, edited=True)
    if update.callback_query is not None:
        return _button(update.update_id, update.callback_query)
    if update.poll_answer is not None:
        answer = update.poll_answer
        if answer.user is None:  # answered on behalf of a channel: not a resident
            return None
        return PollAnswer(
            update_id=update.update_id,
            poll_id=answer.poll_id,
            sender=_person(answer.user),
            option_ids=tuple(answer.option_ids),
        )
    return None


def _person(user: Any) -> Person:
    return Person(
        id=user.id,
        first_name=user.first_name or "",
        last_name=user.last_name,
        username=user.username,
        language=user.language_code,
        is_bot=bool(user.is_bot),
    )


def _chat(chat: Any) -> Chat:
    try:
        kind = ChatType(str(chat.type).lower().removeprefix("chattype."))
    except ValueError:
        kind = ChatType.GROUP
    return Chat(id=chat.id, type=kind, title=chat.title)


def _message(update_id: int, m: Any, *, edited: bool) -> Message:
    kind, file_id = Kind.OTHER, None
    location = contact_phone = contact_user = None
    for attribute, media_kind in _MEDIA:
        value = getattr(m, attribute, None)
        if value:
            kind = media_kind
            file_id = value[-1].file_id if isinstance(value, list | tuple) else value.file_id
            break
    else:
        if m.location is not None:
            kind, location = Kind.LOCATION, (m.location.latitude, m.location.longitude)
        elif m.contact is not None:
            kind, contact_phone, contact_user = Kind.CONTACT, m.contact.phone_number, m.contact.user_id
        elif m.new_chat_members or m.left_chat_member:
            kind = Kind.MEMBERS
        elif m.text is not None:
            kind = Kind.TEXT
    reply = m.reply_to_message
    return Message(
        update_id=update_id,
        message_id=m.message_id,
        chat=_chat(m.chat),
        sender=_person(m.from_user) if m.from_user else None,
        date=m.date if m.date.tzinfo else m.date.replace(tzinfo=UTC),
        kind=kind,
        text=m.text or m.caption or "",
        file_id=file_id,
        media_group_id=m.media_group_id,
        location=location,
        contact_phone=contact_phone,
        contact_user_id=contact_user,
        reply_to_message_id=reply.message_id if reply is not None else None,
        reply_to_sender_id=reply.from_user.id if reply is not None and reply.from_user else None,
        edited=edited,
        joined=tuple(_person(u) for u in (m.new_chat_members or ())),
        left=_person(m.left_chat_member) if m.left_chat_member else None,
    )


def _button(update_id: int, query: Any) -> ButtonPress:
    message = query.message
    return ButtonPress(
        update_id=update_id,
        callback_id=query.id,
        sender=_person(query.from_user),
        chat=_chat(message.chat) if message is not None else None,
        message_id=message.message_id if message is not None else None,
        data=query.data or "",
    )


ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "poll_answer"]
