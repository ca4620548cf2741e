"""What goes out: the project's own actions. Handlers emit them, adapters carry them out.

Actions are pydantic models so the outbox can store them as JSON and read them back.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, ser_json_bytes="base64", val_json_bytes="base64")


class Button(_Model):
    text: str
    data: str  # at most 64 bytes; see handlers.buttons


class KeyButton(_Model):
    text: str
    request_contact: bool = False
    request_location: bool = False


class ReplyKeyboard(_Model):
    rows: tuple[tuple[KeyButton, ...], ...]
    one_time: bool = False
    placeholder: str | None = None


class RemoveKeyboard(_Model):
    remove: Literal[True] = True


Inline = tuple[tuple[Button, ...], ...]
Keyboard = ReplyKeyboard | RemoveKeyboard


class Target(_Model):
    """A message to edit or reply to: known by id, or by what it is about (found at send time,
    because the card may still be waiting in the outbox when its edit is written)."""

    message_id: int | None = None
    ticket_id: int | None = None
    role: str | None = None


class SendText(_Model):
    kind: Literal["send_text"] = "send_text"
    chat_id: int
    text: str  # HTML; user-supplied parts escaped by the caller
    inline: Inline | None = None
    keyboard: Keyboard | None = None
    reply_to: Target | None = None


class SendPhoto(_Model):
    kind: Literal["send_photo"] = "send_photo"
    chat_id: int
    file_id: str | None = None
    png: bytes | None = None  # an image made by the bot (charts)
    caption: str = ""
    inline: Inline | None = None
    reply_to: Target | None = None


class SendDocument(_Model):
    kind: Literal["send_document"] = "send_document"
    chat_id: int
    filename: str
    content: bytes
    caption: str = ""


class SendLocation(_Model):
    kind: Literal["send_location"] = "send_location"
    chat_id: int
    latitude: float
    longitude: float
    reply_to: Target | None = None


class CopyMessage(_Model):
    kind: Literal["copy_message"] = "copy_message"
    chat_id: int
    from_chat_id: int
    message_id: int
    caption: str | None = None
    reply_to: Target | None = None


class SendPoll(_Model):
    kind: Literal["send_poll"] = "send_poll"
    chat_id: int
    question: str
    options: tuple[str, ...]
    reply_to: Target | None = None


class StopPoll(_Model):
    kind: Literal["stop_poll"] = "stop_poll"
    chat_id: int
    target: Target


class EditText(_Model):
    kind: Literal["edit_text"] = "edit_text"
    chat_id: int
    target: Target
    text: str
    inline: Inline | None = None


class EditButtons(_Model):
    kind: Literal["edit_buttons"] = "edit_buttons"
    chat_id: int
    target: Target
    inline: Inline | None = None


class AnswerButton(_Model):
    """The answer to a button press: immediate, never queued (Telegram expires it)."""

    kind: Literal["answer_button"] = "answer_button"
    callback_id: str
    text: str | None = None
    alert: bool = False


Outgoing = Annotated[
    SendText
    | SendPhoto
    | SendDocument
    | SendLocation
    | CopyMessage
    | SendPoll
    | StopPoll
    | EditText
    | EditButtons,
    Field(discriminator="kind"),
]
OUTGOING = TypeAdapter(Outgoing)


def dump(action: Outgoing) -> str:
    return OUTGOING.dump_json(action).decode()


def load(raw: str) -> Outgoing:
    return OUTGOING.validate_json(raw)
