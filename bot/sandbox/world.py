"""The sandbox world: the fake Telegram with its cast, the real bot running against it over
real HTTP, and the clock they share. The web page acts through this object, as one person
at a time, and is told of every change as JSON it can draw.

Nothing here talks to the internet: the bot's Bot API URL is the fake server on
127.0.0.1, the token is made up, the classifier is local.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from sqlmodel import col, select

from bot.app import Minhu
from bot.fake_telegram import FakeChat, FakeTelegram, FakeUser, to_html
from bot.sandbox import cast
from bot.sandbox.resume import previous_session
from bot.sender import SendLimits
from bot.settings import Settings, load_settings
from handlers.clock import ManualClock
from handlers.context import Classifier
from handlers.texts import catalogue, t
from storage.db import safe_url
from storage.tables import ProcessedUpdate
from storage.timers import pending_timers

log = logging.getLogger(__name__)

# Made up, in the shape of a real token; it never leaves 127.0.0.1.
TOKEN = "5550000001:SANDBOX-offline-not-a-real-token"
MAX_TEXT = 4096  # Telegram's limit for one message
MAX_PHOTO = 10 * 1024 * 1024  # Telegram's limit for a photo
MAX_JUMP = timedelta(days=366)
IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif", b"RIFF": "image/webp"}

# What a message is, by the first of these fields it has (the page draws each kind).
KINDS = (
    "text", "photo", "location", "venue", "contact", "poll", "document", "sticker", "voice",
    "audio", "video", "animation", "video_note", "new_chat_members", "left_chat_member",
    "pinned_message",
)  # fmt: skip

PageEvent = dict[str, Any]
HANDLED = frozenset({"message", "edited_message", "callback_query", "poll_answer"})  # updates the bot acts on


class SandboxError(Exception):
    """Something the page asked for that Telegram would not allow; the message says why."""


def image_type(data: bytes) -> str | None:
    return next((mime for magic, mime in IMAGE_TYPES.items() if data.startswith(magic)), None)


def kind_of(message: dict[str, Any]) -> str:
    return next((k for k in KINDS if k in message), "other")


class Sandbox:
    def __init__(
        self,
        *,
        framework: str | None = None,
        database: str | None = None,
        classifier: Classifier | None = None,
        limits: SendLimits | None = None,
        seeding: bool = False,
    ) -> None:
        """`database`: a SQLAlchemy URL or a file path; a temporary file when None.
        `seeding`: the clock starts a week back, for bot.sandbox.seed to fill that week."""
        self._framework = framework
        self._database = database
        self._classifier = classifier
        # Off: the sandbox compresses hours into seconds when the clock jumps, and the fake
        # Telegram needs no protecting; per-minute pacing would only make the demo wait.
        self._limits = limits if limits is not None else SendLimits.off()
        self.seeding = seeding
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._http: aiohttp.ClientSession | None = None
        self._listeners: list[Callable[[PageEvent], None]] = []
        self._query_chats: dict[str, int] = {}  # callback query id -> the chat it was pressed in
        self._votes: dict[tuple[int, int], dict[int, list[int]]] = {}
        self._handled: set[int] = set()  # update ids the bot has committed
        self._moving = asyncio.Lock()
        self.notes: dict[int, str] = {}
        self.bot: Minhu | None = None
        self.clock = ManualClock(frozen=False)  # replaced at start(), once its start is known
        self.tg = FakeTelegram(
            token=TOKEN, bot_username=cast.BOT_USERNAME, bot_name=cast.BOT_NAME, clock=lambda: self.clock.now()
        )

    # lifecycle ------------------------------------------------------------------------------
    @property
    def database_url(self) -> str:
        if self._database is None:
            if self._tmp is None:
                self._tmp = tempfile.TemporaryDirectory(prefix="minhu-sandbox-")
            return f"sqlite+aiosqlite:///{Path(self._tmp.name) / 'sandbox.db'}"
        if "://" in self._database:
            return self._database
        return f"sqlite+aiosqlite:///{Path(self._database).expanduser().resolve()}"

    @property
    def temporary(self) -> bool:
        return self._database is None

    async def start(self) -> None:
        url = self.database_url
        previous = await previous_session(url)
        if self.seeding and previous.tickets:
            raise SandboxError(f"--seed needs an empty database; {safe_url(url)} already has {previous.tickets} tickets.")
        await self.tg.start()
        self._add_cast()
        self.tg.resume(last_update_id=previous.last_update_id, last_message_ids=previous.last_message_ids)
        self.settings = self._settings(url)
        now = datetime.now(UTC)
        if self.seeding:
            from bot.sandbox.seed import week_start

            now = week_start(now, self.settings.tz)
        elif previous.clock is not None:
            now = max(now, previous.clock)  # the clock only moves forward, across sessions too
        self.clock = ManualClock(now, frozen=False)
        self.clock.on_jump(self._on_jump)
        self.tg.subscribe(self._on_telegram)
        self._http = aiohttp.ClientSession()
        self.bot = Minhu(self.settings, clock=self.clock, classifier=self._classifier, limits=self._limits)
        await self.bot.start()
        await self.tg.wait_until_polling()

    async def stop(self) -> None:
        self._publish({"type": "stopped"})
        if self.bot is not None:
            await self.bot.stop()
            self.bot = None
        await self.tg.stop()
        if self._http is not None:
            await self._http.close()
            self._http = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    async def settle(self, timeout: float = 15, quiet: float = 0.02) -> None:
        """Every update handled by the bot and every message it sent delivered (the seed and
        tests wait for this). Handled means committed: its id is in the inbox table."""
        assert self.bot is not None
        async with asyncio.timeout(timeout):
            await self.tg.wait_idle(quiet=quiet, timeout=timeout)
            waiting = {u["update_id"] for u in self.tg.updates if HANDLED.intersection(u)} - self._handled
            while waiting:
                async with self.bot.db.session() as session:
                    query = select(ProcessedUpdate.update_id).where(col(ProcessedUpdate.update_id).in_(waiting))
                    done = set((await session.exec(query)).all())
                self._handled |= done
                waiting -= done
                if waiting:
                    await asyncio.sleep(0.01)
            await self.bot.sender.drain(timeout=timeout)
            await self.tg.wait_idle(quiet=quiet, timeout=timeout)

    def _settings(self, url: str) -> Settings:
        values: dict[str, Any] = {
            "bot_token": TOKEN,
            "staff_chat_id": self.group.id,
            "supervisor_chat_id": None,  # a real one from the environment is not in this world
            "database_url": url,
            "telegram_api_url": self.tg.api_url,
        }
        if self._framework:
            values["framework"] = self._framework
        # no .env: a developer's real token or database must not leak into the sandbox
        return load_settings(_env_file=None, **values)

    def _add_cast(self) -> None:
        def add(role: cast.Role) -> FakeUser:
            user = self.tg.add_user(role.name, username=role.username)
            self.notes[user.id] = role.note
            return user

        # Created in a fixed order, so ids stay the same across sessions on one database.
        self.residents = [add(role) for role in cast.RESIDENTS]
        self.neighbours = [add(role) for role in cast.NEIGHBOURS]
        self.staff = [add(role) for role in cast.STAFF]
        self.volunteers = [add(role) for role in cast.VOLUNTEERS]
        self.group: FakeChat = self.tg.add_group(cast.GROUP_TITLE, members=self.staff)

    def person(self, name: str) -> FakeUser:
        """A member of the cast by name (the seed's script uses names)."""
        for user in self.tg.users.values():
            if user.first_name == name and not user.is_bot:
                return user
        raise KeyError(name)

    # what a person does ---------------------------------------------------------------------
    def send_text(self, user_id: int, chat_id: int, text: str, reply_to: int | None = None) -> dict[str, Any]:
        user, chat = self._where(user_id, chat_id, writing=True)
        text = text.strip()
        if not text:
            raise SandboxError(t("sandbox.error.empty"))
        if len(text) > MAX_TEXT:
            raise SandboxError(t("sandbox.error.too_long", n=MAX_TEXT))
        return self._do(lambda: self.tg.send_text(user, text, chat=chat, reply_to=reply_to))

    def send_photo(
        self, user_id: int, chat_id: int, data: bytes, caption: str = "", reply_to: int | None = None
    ) -> dict[str, Any]:
        user, chat = self._where(user_id, chat_id, writing=True)
        if len(data) > MAX_PHOTO or image_type(data) is None:
            raise SandboxError(t("sandbox.error.not_a_photo"))
        return self._do(
            lambda: self.tg.send_photo(user, caption=caption.strip() or None, chat=chat, reply_to=reply_to, data=data)
        )

    def send_location(
        self, user_id: int, chat_id: int, latitude: float, longitude: float, reply_to: int | None = None
    ) -> dict[str, Any]:
        user, chat = self._where(user_id, chat_id, writing=True)
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise SandboxError(t("sandbox.error.bad_location"))
        return self._do(lambda: self.tg.send_location(user, latitude, longitude, chat=chat, reply_to=reply_to))

    def press(self, user_id: int, chat_id: int, message_id: int, data: str) -> str:
        """An inline button. Someone outside the staff group can't see its cards; pressing one
        anyway stands for a forged request, which the bot must refuse."""
        user, chat = self._where(user_id, chat_id, writing=False)
        message = self._message(chat.id, message_id)
        outsider = chat.type != "private" and self.tg.member_status(chat, user) in ("left", "kicked")
        return self._do(lambda: self.tg.press(user, message, data, forged=outsider))

    def tap_keyboard(self, user_id: int, chat_id: int, text: str) -> dict[str, Any]:
        user, chat = self._where(user_id, chat_id, writing=True)
        return self._do(lambda: self.tg.tap_keyboard(user, text, chat=chat))

    def answer_poll(self, user_id: int, chat_id: int, message_id: int, option_ids: list[int]) -> dict[str, Any]:
        user, chat = self._where(user_id, chat_id, writing=False)
        message = self._message(chat.id, message_id)
        if (message.get("poll") or {}).get("is_closed"):
            raise SandboxError(t("sandbox.error.poll_closed"))
        return self._do(lambda: self.tg.answer_poll(user, message, option_ids))

    def _where(self, user_id: int, chat_id: int, *, writing: bool) -> tuple[FakeUser, FakeChat]:
        user = self.tg.users.get(user_id)
        chat = self.tg.chats.get(chat_id) if chat_id != user_id else self.tg.private_chat(user_id) if user else None
        if user is None or user.is_bot or chat is None:
            raise SandboxError(t("sandbox.error.unknown"))
        if chat.type == "private" and chat.id != user.id:
            raise SandboxError(t("sandbox.error.not_your_chat", name=user.first_name))
        if writing and chat.type != "private" and self.tg.member_status(chat, user) in ("left", "kicked"):
            raise SandboxError(t("sandbox.error.not_in_group", name=user.first_name, group=chat.title))
        return user, chat

    def _message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        try:
            return self.tg.message(chat_id, message_id)
        except KeyError:
            raise SandboxError(t("sandbox.error.no_message")) from None

    @staticmethod
    def _do(action: Callable[[], Any]) -> Any:
        try:
            return action()
        except ValueError as exc:  # the fake refuses what Telegram would refuse
            raise SandboxError(str(exc)) from None

    # the clock ------------------------------------------------------------------------------
    async def advance(self, delta: timedelta) -> datetime:
        if delta <= timedelta(0):
            raise SandboxError(t("sandbox.error.clock_backwards"))
        if delta > MAX_JUMP:
            raise SandboxError(t("sandbox.error.clock_too_far", days=MAX_JUMP.days))
        return await self.run_until(self.clock.now() + delta)

    async def jump_to(self, when: datetime) -> datetime:
        return await self.advance(when - self.clock.now())

    async def run_until(self, when: datetime) -> datetime:
        """Move the clock to `when`, stopping at each timer due on the way: it fires at its
        own time (its messages carry that time, later timers see what it did), not late.
        A late timer would wait for news first (handlers/lateness.py), and the page with it."""
        assert self.bot is not None
        async with self._moving:  # one jump at a time
            tried: set[tuple[int | None, datetime]] = set()  # a failing timer is not tried forever
            while True:
                async with self.bot.db.session() as session:
                    due = [tm for tm in await pending_timers(session=session, due_before=when) if (tm.id, tm.due_at) not in tried]
                if not due:
                    break
                tried.update((tm.id, tm.due_at) for tm in due if tm.due_at == due[0].due_at)
                if due[0].due_at > self.clock.now():
                    self.clock.jump_to(due[0].due_at)
                await self.bot.scheduler.fire_due()
                await self.settle()
            self.clock.jump_to(when)
            await self.bot.scheduler.fire_due()
            await self.settle()
        return self.clock.now()

    def _on_jump(self) -> None:
        self._publish({"type": "clock", "clock": self.clock_view()})

    def clock_view(self) -> dict[str, Any]:
        return {"now": self.clock.now().isoformat(), "timezone": self.settings.timezone}

    # files ----------------------------------------------------------------------------------
    async def file(self, file_id: str) -> tuple[bytes, str] | None:
        """A file's bytes as the bot would download them: getFile's path on the file URL."""
        stored = self.tg.files.get(file_id)
        if stored is None or stored.data is None or self._http is None:
            return None
        url = f"{self.tg.base_file_url}{TOKEN}/{stored.file_path}"
        async with self._http.get(url) as response:
            if response.status != 200:
                return None
            data = await response.read()
        return data, image_type(data) or stored.mime_type or "application/octet-stream"

    # what the page sees ---------------------------------------------------------------------
    def listen(self, listener: Callable[[PageEvent], None]) -> Callable[[], None]:
        """`listener(event)` on every change the page draws; returns the way to stop."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _publish(self, event: PageEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # one broken page must not break the others
                log.exception("sandbox page listener failed")

    def snapshot(self) -> dict[str, Any]:
        """Everything the page draws, for a page that has just (re)connected."""
        people = lambda users: [self.person_view(u) for u in users]  # noqa: E731
        return {
            "type": "state",
            "texts": page_texts(),
            "bot": {"id": self.tg.bot_user.id, "name": self.tg.bot_user.first_name, "username": cast.BOT_USERNAME},
            "cast": {
                "residents": people(self.residents),
                "neighbours": people(self.neighbours),
                "staff": people(self.staff),
                "volunteers": people(self.volunteers),
                "group": {"id": self.group.id, "title": self.group.title, "members": [u.id for u in self.staff]},
            },
            "chats": {str(chat_id): [self.view(m) for m in self.tg.chat_history(chat_id)] for chat_id in self.tg.chats},
            "keyboards": {str(chat_id): markup for chat_id, markup in self.tg.reply_keyboards.items() if markup},
            "commands": self.commands_view(),
            "clock": self.clock_view(),
            "here": list(cast.HERE),
            "framework": self.settings.framework,
            "database": safe_url(self.database_url),
        }

    def person_view(self, user: FakeUser) -> dict[str, Any]:
        return {"id": user.id, "name": user.full_name, "username": user.username, "note": self.notes.get(user.id, "")}

    def commands_view(self) -> dict[str, list[dict[str, str]]]:
        return {
            "private": self.tg.commands_for("all_private_chats", ""),
            "group": self.tg.commands_for(f"chat:{self.group.id}", ""),
        }

    def view(self, message: dict[str, Any]) -> dict[str, Any]:
        """A message as the page draws it: the Bot API JSON, its text as safe Telegram HTML
        (rebuilt from the entities, so only Telegram's tags), and what it replies to."""
        chat_id = message["chat"]["id"]
        out = {k: v for k, v in message.items() if k not in ("chat", "reply_to_message")}
        out["chat_id"] = chat_id
        out["kind"] = kind_of(message)
        if "text" in message:
            out["html"] = to_html(message["text"], message.get("entities"))
        elif "caption" in message:
            out["html"] = to_html(message["caption"], message.get("caption_entities"))
        else:
            out["html"] = None
        reply = message.get("reply_to_message")
        if reply:
            out["reply_to"] = {
                "message_id": reply["message_id"],
                "from": (reply.get("from") or {}).get("first_name", ""),
                "text": reply.get("text") or reply.get("caption") or "",
                "kind": kind_of(reply),
            }
        if "poll" in message:
            votes = self._votes.get((chat_id, message["message_id"]), {})
            out["votes"] = {str(user_id): ids for user_id, ids in votes.items()}
        return out

    def _on_telegram(self, event: dict[str, Any]) -> None:
        kind = event["type"]
        if kind in ("message", "edited"):
            self._publish({"type": "message", "message": self.view(event["message"])})
        elif kind in ("poll_updated", "poll_stopped"):
            key = (event["chat_id"], event["message_id"])
            if kind == "poll_updated":
                votes = self._votes.setdefault(key, {})
                if event["option_ids"]:
                    votes[event["user_id"]] = list(event["option_ids"])
                else:
                    votes.pop(event["user_id"], None)
            self._publish({"type": "message", "message": self.view(self.tg.message(*key))})
        elif kind == "deleted":
            self._publish({"type": "deleted", "chat_id": event["chat_id"], "message_id": event["message_id"]})
        elif kind == "reply_keyboard":
            self._publish({"type": "keyboard", "chat_id": event["chat_id"], "markup": event["markup"]})
        elif kind == "callback_query":
            self._query_chats[event["callback_query"]["id"]] = event["chat_id"]
        elif kind == "callback_answered":
            params = event["params"]
            self._publish(
                {
                    "type": "answer",
                    "chat_id": self._query_chats.pop(event["callback_query_id"], None),
                    "user_id": event["user_id"],
                    "text": params.get("text") or "",
                    "alert": bool(params.get("show_alert")),
                }
            )
        elif kind == "chat_action":
            self._publish({"type": "typing", "chat_id": event["chat_id"], "action": event["action"]})
        elif kind == "commands":
            self._publish({"type": "commands", "commands": self.commands_view()})


def page_texts() -> dict[str, str]:
    """The page's own words, from the catalogue's `sandbox` section."""
    prefix = "sandbox.page."
    return {key[len(prefix) :]: text for key, text in catalogue().items() if key.startswith(prefix)}
