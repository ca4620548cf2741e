"""What comes in: the project's own events, built by each adapter from a framework update."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ChatType(StrEnum):
    PRIVATE = "private"
    GROUP = "group"
    SUPERGROUP = "supergroup"
    CHANNEL = "channel"


class Kind(StrEnum):
    TEXT = "text"
    PHOTO = "photo"
    LOCATION = "location"
    CONTACT = "contact"
    VOICE = "voice"
    AUDIO = "audio"
    VIDEO = "video"
    VIDEO_NOTE = "video_note"
    DOCUMENT = "document"
    STICKER = "sticker"
    ANIMATION = "animation"
    MEMBERS = "members"  # people joined or left a group
    OTHER = "other"


# Kinds a resident can add to a ticket as evidence; staff receive a copy.
ATTACHMENT_KINDS = frozenset(
    {Kind.PHOTO, Kind.LOCATION, Kind.VOICE, Kind.AUDIO, Kind.VIDEO, Kind.VIDEO_NOTE, Kind.DOCUMENT}
)


@dataclass(frozen=True)
class Person:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language: str | None = None
    is_bot: bool = False

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or str(self.id)


@dataclass(frozen=True)
class Chat:
    id: int
    type: ChatType
    title: str | None = None

    @property
    def is_private(self) -> bool:
        return self.type is ChatType.PRIVATE


@dataclass(frozen=True)
class Message:
    """A message, or an edit of one (`edited`), from a person in a chat."""

    update_id: int
    message_id: int
    chat: Chat
    sender: Person | None
    date: datetime
    kind: Kind
    text: str = ""  # the text, or a media caption
    file_id: str | None = None  # the largest photo, the voice note, the document...
    media_group_id: str | None = None
    location: tuple[float, float] | None = None
    contact_phone: str | None = None
    contact_user_id: int | None = None
    reply_to_message_id: int | None = None
    reply_to_sender_id: int | None = None
    edited: bool = False
    joined: tuple[Person, ...] = ()
    left: Person | None = None


@dataclass(frozen=True)
class ButtonPress:
    """An inline button pressed. `data` is whatever the client sent: never trust it."""

    update_id: int
    callback_id: str
    sender: Person
    chat: Chat | None
    message_id: int | None
    data: str


@dataclass(frozen=True)
class PollAnswer:
    update_id: int
    poll_id: str
    sender: Person
    option_ids: tuple[int, ...]


Event = Message | ButtonPress | PollAnswer
