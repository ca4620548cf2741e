"""Simulated people: users, groups, and what they do (messages, button presses, poll votes).

Each action creates the user's message (or query) as Telegram would, queues the Update for
getUpdates or the webhook, and returns the Bot API JSON it made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .files import tiny_png
from .markup import detect_entities, to_html
from .methods import member_shape
from .models import FakeChat, FakeUser, SentMessage

if TYPE_CHECKING:
    from .server import FakeTelegram

MessageRef = dict[str, Any] | SentMessage
_MEMBER_STATUSES = ("creator", "administrator", "member", "restricted")


class PeopleMixin:
    """Mixin: needs the state attributes FakeTelegram.__init__ sets."""

    # ================================================================== people and chats

    def add_user(
        self: FakeTelegram,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hans",
        *,
        user_id: int | None = None,
        is_bot: bool = False,
        started: bool = True,
    ) -> FakeUser:
        """A new user with a unique positive id (or ``user_id``). With ``started=False`` the
        user has never opened the bot: sends to them get 403 "Forbidden: bot can't initiate
        conversation with a user" until they write to the bot."""
        if user_id is None:
            user_id = self._next_user_id
            self._next_user_id += 1
        elif user_id in self.users:
            raise ValueError(f"user id {user_id} is taken")
        user = FakeUser(user_id, first_name, last_name, username, language_code, is_bot)
        self.users[user_id] = user
        if not started:
            self._not_started.add(user_id)
        return user

    def private_chat(self: FakeTelegram, user: FakeUser | int) -> FakeChat:
        """The user's private chat with the bot (its id is the user's id, as in Telegram)."""
        user = self._user(user)
        chat = self.chats.get(user.id)
        if chat is None:
            chat = FakeChat(
                user.id, "private", username=user.username, first_name=user.first_name,
                last_name=user.last_name,
            )
            self.chats[user.id] = chat
        return chat

    def add_group(
        self: FakeTelegram,
        title: str,
        members: list[FakeUser] | tuple[FakeUser, ...] = (),
        supergroup: bool = True,
        *,
        username: str | None = None,
        creator: FakeUser | None = None,
        admins: list[FakeUser] | tuple[FakeUser, ...] = (),
        bot_status: str = "member",
        chat_id: int | None = None,
    ) -> FakeChat:
        """A group with these members and the bot in it (the creator defaults to the first
        member). Supergroup ids look like -100…, basic group ids like -4…"""
        if chat_id is None:
            n = self._next_group_id
            self._next_group_id += 1
            chat_id = -(1_001_000_000_000 + n) if supergroup else -(4_000_000_000 + n)
        if chat_id in self.chats:
            raise ValueError(f"chat id {chat_id} is taken")
        chat = FakeChat(chat_id, "supergroup" if supergroup else "group", title=title,
                        username=username)
        self.chats[chat_id] = chat
        statuses: dict[int, str] = {}
        owner = creator or (members[0] if members else None)
        for user in members:
            statuses[user.id] = "member"
        for user in admins:
            statuses[user.id] = "administrator"
        if owner is not None:
            statuses[owner.id] = "creator"
        statuses[self.bot_user.id] = bot_status
        self._members[chat_id] = statuses
        return chat

    def add_member(
        self: FakeTelegram,
        chat: FakeChat | int,
        user: FakeUser | int,
        status: str = "member",
        *,
        announce: bool = False,
    ) -> None:
        """Put a user in a group. A chat_member update is queued (Telegram sends those only when
        allowed_updates asks for them); the bot joining gives a my_chat_member update.
        ``announce=True`` also posts the "new_chat_members" service message."""
        self._set_status(self._chat(chat), self._user(user), status, announce=announce)

    def remove_member(
        self: FakeTelegram,
        chat: FakeChat | int,
        user: FakeUser | int,
        *,
        banned: bool = False,
        announce: bool = False,
    ) -> None:
        self._set_status(
            self._chat(chat), self._user(user), "kicked" if banned else "left", announce=announce
        )

    def set_member_status(
        self: FakeTelegram, chat: FakeChat | int, user: FakeUser | int, status: str
    ) -> None:
        """"creator", "administrator", "member", "left" or "kicked"."""
        self._set_status(self._chat(chat), self._user(user), status)

    def member_status(self: FakeTelegram, chat: FakeChat | int, user: FakeUser | int) -> str:
        return self._members.get(self._chat(chat).id, {}).get(self._user(user).id, "left")

    def _set_status(
        self: FakeTelegram, chat: FakeChat, user: FakeUser, status: str, *, announce: bool = False
    ) -> None:
        if chat.type == "private":
            raise ValueError("membership of private chats can't change; use block_bot")
        if status not in ("creator", "administrator", "member", "left", "kicked", "restricted"):
            raise ValueError(f"unknown status {status!r}")
        members = self._members.setdefault(chat.id, {})
        old = members.get(user.id, "left")
        if old == status:
            return
        members[user.id] = status
        change = {
            "chat": chat.as_dict(),
            "from": user.as_dict(),
            "date": self._now_ts(),
            "old_chat_member": member_shape(user.as_dict(), old),
            "new_chat_member": member_shape(user.as_dict(), status),
        }
        kind = "my_chat_member" if user.id == self.bot_user.id else "chat_member"
        self._queue_update({kind: change})
        self._emit({"type": "member", "chat_id": chat.id, "user_id": user.id, "status": status})
        if announce and user.id != self.bot_user.id:
            if status in _MEMBER_STATUSES and old not in _MEMBER_STATUSES:
                self._user_message(user, chat, {"new_chat_members": [user.as_dict()]},
                                   check_member=False)
            elif status not in _MEMBER_STATUSES and old in _MEMBER_STATUSES:
                self._user_message(user, chat, {"left_chat_member": user.as_dict()},
                                   check_member=False)

    def block_bot(self: FakeTelegram, user: FakeUser | int) -> None:
        """The user blocks the bot: sends to their private chat get 403 and a my_chat_member
        update (status "kicked") is queued."""
        user = self._user(user)
        if user.id in self._blocked:
            return
        self._blocked.add(user.id)
        self._private_member_update(user, "member", "kicked")

    def unblock_bot(self: FakeTelegram, user: FakeUser | int) -> None:
        user = self._user(user)
        if user.id not in self._blocked:
            return
        self._blocked.discard(user.id)
        self._private_member_update(user, "kicked", "member")

    def _private_member_update(self: FakeTelegram, user: FakeUser, old: str, new: str) -> None:
        chat = self.private_chat(user)
        bot = self.bot_user.as_dict()

        def member(status: str) -> dict[str, Any]:
            return member_shape(bot, status)

        self._queue_update(
            {
                "my_chat_member": {
                    "chat": chat.as_dict(),
                    "from": user.as_dict(),
                    "date": self._now_ts(),
                    "old_chat_member": member(old),
                    "new_chat_member": member(new),
                }
            }
        )
        self._emit({"type": "blocked" if new == "kicked" else "unblocked", "user_id": user.id})

    def is_blocked(self: FakeTelegram, user: FakeUser | int) -> bool:
        return self._user(user).id in self._blocked

    # ================================================================== lookups

    def _user(self: FakeTelegram, user: FakeUser | int) -> FakeUser:
        uid = user if isinstance(user, int) else user.id
        found = self.users.get(uid)
        if found is None:
            raise ValueError(f"unknown user {user!r}: create it with add_user")
        return found

    def _chat(self: FakeTelegram, chat: FakeChat | int) -> FakeChat:
        cid = chat if isinstance(chat, int) else chat.id
        found = self.chats.get(cid)
        if found is None:
            raise ValueError(f"unknown chat {chat!r}")
        return found

    def _ref(self: FakeTelegram, message: MessageRef | int, chat: FakeChat | None = None
             ) -> dict[str, Any]:
        """The live stored message for a message dict, a SentMessage or (chat, id)."""
        if isinstance(message, SentMessage):
            chat_id, mid = message.chat_id, message.message_id
        elif isinstance(message, dict):
            chat_id, mid = message["chat"]["id"], message["message_id"]
        else:
            if chat is None:
                raise ValueError("a bare message_id needs the chat")
            chat_id, mid = chat.id, message
        msg = self._messages.get(chat_id, {}).get(mid)
        if msg is None:
            raise ValueError(f"no message {mid} in chat {chat_id} (deleted?)")
        return msg

    def chat_history(self: FakeTelegram, chat_id: int | FakeChat | FakeUser) -> list[dict[str, Any]]:
        """Every message in the chat, users' and bot's, in their current state, oldest first."""
        cid = chat_id if isinstance(chat_id, int) else chat_id.id
        return list(self._messages.get(cid, {}).values())

    def message(self: FakeTelegram, chat_id: int | FakeChat | FakeUser, message_id: int
                ) -> dict[str, Any]:
        cid = chat_id if isinstance(chat_id, int) else chat_id.id
        msg = self._messages.get(cid, {}).get(message_id)
        if msg is None:
            raise KeyError(f"no message {message_id} in chat {cid}")
        return msg

    def message_html(self: FakeTelegram, message: MessageRef) -> str | None:
        """The text or caption of a message as Telegram HTML (what the bot sent, if it was
        HTML), for a web page; None for a message without text."""
        if isinstance(message, SentMessage):
            if message.html is not None:
                return message.html
            message = message.message
        sent = self._sent_by_key.get((message["chat"]["id"], message["message_id"]))
        if sent is not None and sent.html is not None:
            return sent.html
        if "text" in message:
            return to_html(message["text"], message.get("entities"))
        if "caption" in message:
            return to_html(message["caption"], message.get("caption_entities"))
        return None

    def sent_to(self: FakeTelegram, chat_id: int | FakeChat | FakeUser) -> list[SentMessage]:
        """What the bot sent into one chat, in order (deleted ones included)."""
        cid = chat_id if isinstance(chat_id, int) else chat_id.id
        return [s for s in self.sent if s.chat_id == cid]

    def sent_message(self: FakeTelegram, chat_id: int, message_id: int) -> SentMessage | None:
        return self._sent_by_key.get((chat_id, message_id))

    def commands_for(self: FakeTelegram, scope: Any = "default", language_code: str = ""
                     ) -> list[dict[str, Any]]:
        """setMyCommands result for a scope (readable key or BotCommandScope dict) and language."""
        return self.my_commands.get((self.scope_key(scope), language_code), [])

    # ================================================================== user messages

    def _user_message(
        self: FakeTelegram,
        user: FakeUser | int,
        chat: FakeChat | int | None,
        content: dict[str, Any],
        *,
        reply_to: MessageRef | int | None = None,
        check_member: bool = True,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        user = self._user(user)
        the_chat = self.private_chat(user) if chat is None else self._chat(chat)
        if the_chat.type == "private":
            if the_chat.id != user.id:
                raise ValueError(f"{user.first_name} can't write into another user's private chat")
            if user.id in self._blocked:
                # writing to a blocked bot means pressing "Restart": Telegram unblocks it
                self.unblock_bot(user)
            self._not_started.discard(user.id)
        elif check_member:
            status = self._members.get(the_chat.id, {}).get(user.id, "left")
            if status not in _MEMBER_STATUSES:
                raise ValueError(f"{user.first_name} is not a member of {the_chat.title!r}")
        msg: dict[str, Any] = {
            "message_id": self._new_message_id(the_chat.id),
            "from": user.as_dict(),
            "chat": the_chat.as_dict(),
            "date": self._now_ts(),
        }
        if reply_to is not None:
            target = self._ref(reply_to, the_chat)
            if target["chat"]["id"] != the_chat.id:
                raise ValueError("reply_to must be a message of the same chat")
            msg["reply_to_message"] = {k: v for k, v in target.items() if k != "reply_to_message"}
        if extra:
            msg.update(extra)
        msg.update(content)
        self._store(msg)
        self.stats["user_messages"] += 1
        if self._bot_sees(the_chat, msg):
            self._queue_update({"message": dict(msg)})
        self._emit(
            {
                "type": "message",
                "chat_id": the_chat.id,
                "message_id": msg["message_id"],
                "from_bot": False,
                "method": None,
                "message": dict(msg),
                "html": self.message_html(msg),
                "sent_index": None,
            }
        )
        return msg

    def _bot_sees(self: FakeTelegram, chat: FakeChat, msg: dict[str, Any]) -> bool:
        if chat.type == "private":
            return True
        if self._members.get(chat.id, {}).get(self.bot_user.id) not in _MEMBER_STATUSES:
            return False
        if not self.group_privacy:
            return True
        if self._members[chat.id].get(self.bot_user.id) in ("administrator", "creator"):
            return True
        reply = msg.get("reply_to_message")
        if reply and reply.get("from", {}).get("id") == self.bot_user.id:
            return True
        text = msg.get("text") or msg.get("caption") or ""
        me = f"@{self.bot_user.username}".lower()
        if me in text.lower():
            return True
        if text.startswith("/"):
            first = text.split(maxsplit=1)[0]
            return "@" not in first or first.lower().endswith(me)
        return False

    def send_text(
        self: FakeTelegram,
        user: FakeUser | int,
        text: str,
        chat: FakeChat | int | None = None,
        reply_to: MessageRef | int | None = None,
        *,
        entities: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """The user writes ``text`` (default: in their private chat with the bot). Commands,
        URLs, @mentions and #hashtags get entities as Telegram makes them."""
        if not text:
            raise ValueError("Telegram users can't send empty text")
        content: dict[str, Any] = {"text": text}
        ents = entities if entities is not None else detect_entities(text)
        if ents:
            content["entities"] = ents
        return self._user_message(user, chat, content, reply_to=reply_to)

    def send_photo(
        self: FakeTelegram,
        user: FakeUser | int,
        caption: str | None = None,
        chat: FakeChat | int | None = None,
        reply_to: MessageRef | int | None = None,
        media_group_id: str | None = None,
        data: bytes | None = None,
    ) -> dict[str, Any]:
        """A photo (PhotoSize list with fresh file_ids; ``data`` is what getFile downloads,
        a small PNG by default). Same ``media_group_id`` on several calls = an album."""
        content: dict[str, Any] = {"photo": self.files.photo_sizes(data or tiny_png())}
        self._add_caption(content, caption)
        extra = {"media_group_id": str(media_group_id)} if media_group_id else None
        return self._user_message(user, chat, content, reply_to=reply_to, extra=extra)

    def send_album(
        self: FakeTelegram,
        user: FakeUser | int,
        count: int = 2,
        caption: str | None = None,
        chat: FakeChat | int | None = None,
        data: list[bytes] | None = None,
    ) -> list[dict[str, Any]]:
        """``count`` photos sharing a media_group_id (caption on the first, as Telegram does);
        one update each."""
        self._album_counter += 1
        group_id = str(14_000_000_000_000_000 + self._album_counter)
        return [
            self.send_photo(
                user,
                caption=caption if i == 0 else None,
                chat=chat,
                media_group_id=group_id,
                data=data[i] if data else None,
            )
            for i in range(count)
        ]

    @staticmethod
    def _add_caption(content: dict[str, Any], caption: str | None) -> None:
        if caption:
            content["caption"] = caption
            ents = detect_entities(caption)
            if ents:
                content["caption_entities"] = ents

    def send_location(
        self: FakeTelegram,
        user: FakeUser | int,
        latitude: float,
        longitude: float,
        chat: FakeChat | int | None = None,
        reply_to: MessageRef | int | None = None,
    ) -> dict[str, Any]:
        content = {"location": {"latitude": float(latitude), "longitude": float(longitude)}}
        return self._user_message(user, chat, content, reply_to=reply_to)

    def send_contact(
        self: FakeTelegram,
        user: FakeUser | int,
        phone_number: str,
        chat: FakeChat | int | None = None,
        reply_to: MessageRef | int | None = None,
    ) -> dict[str, Any]:
        """The user shares their own contact, as the request_contact keyboard button does."""
        u = self._user(user)
        contact: dict[str, Any] = {"phone_number": phone_number, "first_name": u.first_name,
                                   "user_id": u.id}
        if u.last_name:
            contact["last_name"] = u.last_name
        return self._user_message(u, chat, {"contact": contact}, reply_to=reply_to)

    def send_sticker(
        self: FakeTelegram,
        user: FakeUser | int,
        chat: FakeChat | int | None = None,
        emoji: str = "👍",
        reply_to: MessageRef | int | None = None,
    ) -> dict[str, Any]:
        sticker = self.files.media_object("sticker", b"RIFF\x00\x00\x00\x00WEBP", emoji=emoji)
        return self._user_message(user, chat, {"sticker": sticker}, reply_to=reply_to)

    def send_voice(
        self: FakeTelegram,
        user: FakeUser | int,
        chat: FakeChat | int | None = None,
        duration: int = 3,
        data: bytes | None = None,
        reply_to: MessageRef | int | None = None,
    ) -> dict[str, Any]:
        voice = self.files.media_object(
            "voice", data or b"OggS\x00fake-voice", duration=duration, mime_type="audio/ogg"
        )
        return self._user_message(user, chat, {"voice": voice}, reply_to=reply_to)

    def send_document(
        self: FakeTelegram,
        user: FakeUser | int,
        file_name: str = "document.pdf",
        data: bytes | None = None,
        caption: str | None = None,
        chat: FakeChat | int | None = None,
        reply_to: MessageRef | int | None = None,
        mime_type: str | None = None,
    ) -> dict[str, Any]:
        document = self.files.media_object(
            "document", data if data is not None else b"%PDF-1.4\n% fake\n", file_name=file_name,
            mime_type=mime_type,
        )
        content: dict[str, Any] = {"document": document}
        self._add_caption(content, caption)
        return self._user_message(user, chat, content, reply_to=reply_to)

    def tap_keyboard(
        self: FakeTelegram,
        user: FakeUser | int,
        text: str,
        chat: FakeChat | int | None = None,
        *,
        phone_number: str = "+8613800000000",
        location: tuple[float, float] = (31.2304, 121.4737),
    ) -> dict[str, Any]:
        """The user taps a button of the reply keyboard the bot showed in that chat: a
        request_contact button shares their contact, request_location their location, any
        other button sends its text. A one_time_keyboard hides afterwards."""
        u = self._user(user)
        the_chat = self.private_chat(u) if chat is None else self._chat(chat)
        markup = self.reply_keyboards.get(the_chat.id)
        if not markup:
            raise ValueError(f"no reply keyboard is shown in chat {the_chat.id}")
        buttons = [b if isinstance(b, dict) else {"text": b} for row in markup["keyboard"]
                   for b in row]
        button = next((b for b in buttons if b.get("text") == text), None)
        if button is None:
            raise ValueError(f"no keyboard button {text!r}; buttons are "
                             f"{[b.get('text') for b in buttons]}")
        if markup.get("one_time_keyboard"):
            self.reply_keyboards[the_chat.id] = None
            self._emit({"type": "reply_keyboard", "chat_id": the_chat.id, "markup": None})
        if button.get("request_contact"):
            return self.send_contact(u, phone_number, chat=the_chat)
        if button.get("request_location"):
            return self.send_location(u, location[0], location[1], chat=the_chat)
        return self.send_text(u, text, chat=the_chat)

    def edit_text(
        self: FakeTelegram, user: FakeUser | int, message: MessageRef, new_text: str
    ) -> dict[str, Any]:
        """The user edits their text message: an edited_message update."""
        u = self._user(user)
        msg = self._ref(message)
        if msg.get("from", {}).get("id") != u.id:
            raise ValueError("users can edit only their own messages")
        if "text" not in msg:
            raise ValueError("only text messages can be edited with edit_text")
        msg["text"] = new_text
        ents = detect_entities(new_text)
        if ents:
            msg["entities"] = ents
        else:
            msg.pop("entities", None)
        msg["edit_date"] = self._now_ts()
        chat = self.chats[msg["chat"]["id"]]
        if self._bot_sees(chat, msg):
            self._queue_update({"edited_message": dict(msg)})
        self._emit(
            {
                "type": "edited",
                "chat_id": chat.id,
                "message_id": msg["message_id"],
                "from_bot": False,
                "message": dict(msg),
                "html": self.message_html(msg),
                "sent_index": None,
            }
        )
        return msg

    # ================================================================== buttons and polls

    def _chat_instance(self: FakeTelegram, chat_id: int) -> str:
        return str((chat_id * 2_654_435_761) % 9_000_000_000_000_000_000 + 10**18)

    def press(
        self: FakeTelegram, user: FakeUser | int, message: MessageRef, data: str
    ) -> str:
        """The user presses an inline button of a bot message; ``data`` is used as given.
        Returns the callback_query id."""
        u = self._user(user)
        msg = self._ref(message)
        if msg.get("from", {}).get("id") != self.bot_user.id:
            raise ValueError("inline buttons belong to the bot's messages")
        chat_id = msg["chat"]["id"]
        if self.chats[chat_id].type != "private":
            status = self._members.get(chat_id, {}).get(u.id, "left")
            if status not in _MEMBER_STATUSES:
                raise ValueError(f"{u.first_name} is not a member of that chat")
        elif chat_id != u.id:
            raise ValueError("that private chat belongs to another user")
        self._cq_counter += 1
        qid = str(4_382_000_000_000_000_000 + self._cq_counter)
        query = {
            "id": qid,
            "from": u.as_dict(),
            "message": dict(msg),
            "chat_instance": self._chat_instance(chat_id),
            "data": data,
        }
        self._callback_queries[qid] = query
        self._queue_update({"callback_query": query})
        self._emit({"type": "callback_query", "callback_query": query, "chat_id": chat_id,
                    "message_id": msg["message_id"]})
        return qid

    def press_button(
        self: FakeTelegram, user: FakeUser | int, message: MessageRef, text: str
    ) -> str:
        """Press the inline button whose label is (or contains) ``text``."""
        msg = self._ref(message)
        rows = (msg.get("reply_markup") or {}).get("inline_keyboard") or []
        buttons = [b for row in rows for b in row]
        match = [b for b in buttons if b.get("text") == text] or [
            b for b in buttons if text in b.get("text", "")
        ]
        if not match:
            labels = [b.get("text") for b in buttons]
            raise ValueError(f"no inline button {text!r}; buttons are {labels}")
        if "callback_data" not in match[0]:
            raise ValueError(f"button {text!r} has no callback_data")
        return self.press(user, msg, match[0]["callback_data"])

    def answer_poll(
        self: FakeTelegram,
        user: FakeUser | int,
        poll_message: MessageRef | str,
        option_ids: list[int] | tuple[int, ...] | int,
    ) -> dict[str, Any]:
        """The user votes (``[]`` retracts). Non-anonymous polls give a poll_answer update;
        with ``poll_updates`` (default on) a ``poll`` update with the new counts follows, as
        Telegram sends for the bot's own polls. Raises ValueError on a closed poll."""
        u = self._user(user)
        if isinstance(option_ids, int):
            option_ids = [option_ids]
        ids = list(option_ids)
        if isinstance(poll_message, str):
            state = self._polls.get(poll_message)
            if state is None:
                raise ValueError(f"unknown poll {poll_message}")
            msg = self._messages.get(state["chat_id"], {}).get(state["message_id"])
            if msg is None:
                raise ValueError("the poll's message was deleted")
        else:
            msg = self._ref(poll_message)
        poll = msg.get("poll")
        if poll is None:
            raise ValueError("that message has no poll")
        state = self._polls.get(poll["id"])
        if state is None:
            raise ValueError("that poll was not sent by the bot")
        if poll["is_closed"]:
            raise ValueError("the poll is closed")
        chat = self.chats[msg["chat"]["id"]]
        if chat.type != "private":
            if self._members.get(chat.id, {}).get(u.id, "left") not in _MEMBER_STATUSES:
                raise ValueError(f"{u.first_name} is not a member of that chat")
        elif chat.id != u.id:
            raise ValueError("that private chat belongs to another user")
        n = len(poll["options"])
        if any(not 0 <= i < n for i in ids) or len(set(ids)) != len(ids):
            raise ValueError(f"option ids must be distinct and in 0..{n - 1}")
        if len(ids) > 1 and not poll["allows_multiple_answers"]:
            raise ValueError("this poll allows one answer only")
        votes: dict[int, list[int]] = state["votes"]
        previous = votes.get(u.id, [])
        if previous and not poll.get("allows_revoting", True):
            raise ValueError("this poll does not allow changing the vote")
        if not ids and not previous:
            raise ValueError("nothing to retract")
        counts = [o["voter_count"] for o in poll["options"]]
        for i in previous:
            counts[i] -= 1
        for i in ids:
            counts[i] += 1
        if ids:
            votes[u.id] = ids
        else:
            votes.pop(u.id, None)
        new_poll = {
            **poll,
            "options": [{**o, "voter_count": c} for o, c in zip(poll["options"], counts,
                                                                 strict=True)],
            "total_voter_count": len(votes),
        }
        msg["poll"] = new_poll
        answer = {
            "poll_id": poll["id"],
            "user": u.as_dict(),
            "option_ids": ids,
            "option_persistent_ids": [poll["options"][i].get("persistent_id", str(i))
                                      for i in ids],
        }
        if not poll["is_anonymous"]:
            self._queue_update({"poll_answer": answer})
        if self.poll_updates:
            self._queue_update({"poll": new_poll})
        self._emit({"type": "poll_updated", "chat_id": chat.id, "message_id": msg["message_id"],
                    "poll": new_poll, "user_id": u.id, "option_ids": ids})
        return answer
