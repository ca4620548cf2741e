"""The running bot: one composition root for the database, classifier, dispatcher, sender,
scheduler and the adapter of the chosen framework."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from bot.botapi import BotApi
from bot.scheduler import Scheduler
from bot.sender import Sender, SendLimits
from bot.settings import Settings, SettingsError
from bot.webhook import WebhookServer
from handlers.actions import AnswerButton
from handlers.clock import Clock, SystemClock
from handlers.composition import build_router
from handlers.context import Classifier, Services
from handlers.dispatch import Committed, Dispatcher
from handlers.events import Event
from handlers.router import Scope
from storage.db import Database, safe_url
from storage.migrate import upgrade

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WebhookOptions:
    url: str  # what Telegram calls (public HTTPS address)
    secret: str
    host: str = "0.0.0.0"
    port: int = 8443
    path: str = "/telegram"


def make_adapter(settings: Settings, handle: Any) -> Any:
    """The adapter of the configured framework; only that framework is imported."""
    if settings.framework == "aiogram":
        from bot.aiogram_adapter import AiogramAdapter as Adapter
    else:
        from bot.ptb_adapter import PtbAdapter as Adapter  # type: ignore[assignment]
    return Adapter(settings.token, settings.telegram_api_url, handle, request_timeout=settings.telegram_timeout)


def load_classifier(settings: Settings) -> Classifier:
    from nlp import load_classifier as load

    return load(
        settings.taxonomy_file,
        min_confidence=settings.min_confidence,
        urgency_model=settings.urgency_model_file,
        category_model=settings.category_model_file,
    )


def send_limits(settings: Settings) -> SendLimits:
    return SendLimits(
        global_per_second=settings.send_global_per_second,
        private_per_second=settings.send_private_per_second,
        private_burst=settings.send_private_burst,
        group_per_minute=settings.send_group_per_minute,
    )


class Minhu:
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        classifier: Classifier | None = None,
        limits: SendLimits | None = None,
        sweep_seconds: float = 30,
    ) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.classifier = classifier or load_classifier(settings)
        self.db = Database(settings.database_url.get_secret_value())
        self.adapter = make_adapter(settings, self._handle)
        self.api: BotApi = self.adapter.api
        self.router = build_router()
        self.services = Services(rules=settings, classifier=self.classifier, clock=self.clock, membership=self.api)
        self.dispatcher = Dispatcher(self.services, self.db, self.router, on_commit=self._committed)
        self.sender = Sender(self.db, self.api, limits if limits is not None else send_limits(settings))
        self.scheduler = Scheduler(self.dispatcher, self.db, self.clock, sweep_seconds=sweep_seconds)
        self.webhook: WebhookServer | None = None
        self._started = False

    async def start(self, *, webhook: WebhookOptions | None = None, receive: bool = True) -> None:
        """Migrate, connect, start sending and scheduling, then take updates."""
        # jieba's dictionary loads in a thread while we migrate and connect
        warm = asyncio.create_task(asyncio.to_thread(getattr(self.classifier, "warm_up", lambda: None)))
        self._check_deadlines()
        log.info("database %s (%s)", safe_url(self.db.url), self.settings.framework)
        await upgrade(self.db)
        await self.adapter.start()
        me = await self.api.identity()
        self.services.bot_id, self.services.bot_username = me.id, me.username
        log.info("connected as @%s", me.username)
        self.sender.start()
        await self.dispatcher.run_start_handlers()
        await self.scheduler.start()
        await self._publish_commands()
        await warm
        self._started = True
        if not receive:
            return
        if webhook is not None:
            self.webhook = WebhookServer(
                self.adapter.feed, secret=webhook.secret, path=webhook.path, host=webhook.host, port=webhook.port
            )
            await self.webhook.start()
            await self.api.set_webhook(webhook.url, webhook.secret)
        else:
            await self.api.delete_webhook()
            await self.adapter.start_polling()

    def _check_deadlines(self) -> None:
        """Every category named in the deadlines must be one the classifier knows."""
        unknown = self.settings.deadlines.unknown_categories(self.classifier.taxonomy.ids)
        if not unknown:
            return
        if self.settings.deadlines_file is not None:
            raise SettingsError(
                f"DEADLINES_FILE names categories the taxonomy does not have: {', '.join(unknown)}."
            )
        log.warning("the default deadlines name categories the taxonomy does not have: %s", ", ".join(unknown))

    async def stop(self) -> None:
        """Stop taking updates, finish the sends under way, close connections."""
        if self.webhook is not None:
            await self.webhook.stop()
        await self.scheduler.stop()
        # The sender finishes its sends under way before the adapter closes the HTTP session
        # they use: a send cut off there may have reached Telegram, and would go out twice.
        await self.sender.stop()
        await self.adapter.stop()
        await self.db.dispose()

    async def __aenter__(self) -> Minhu:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    async def _handle(self, event: Event) -> list[AnswerButton]:
        return await self.dispatcher.handle(event)

    def _committed(self, committed: Committed) -> None:
        if committed.outbox:
            self.sender.accept(committed.outbox)
        for timer in committed.planned:
            self.scheduler.plan(timer)

    async def _publish_commands(self) -> None:
        menus = self.router.menus()
        try:
            await self.api.publish_commands(menus[Scope.PRIVATE], menus[Scope.STAFF], self.settings.staff_chat_id)
        except Exception as exc:  # menus are a convenience; the bot works without them
            log.warning("could not publish the command menus: %s", exc)
