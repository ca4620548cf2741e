"""One typed settings object, read once from the environment or `.env`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from handlers.rules import Rules

DEFAULT_API_URL = "https://api.telegram.org"
_TOKEN_SHAPE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{10,}$")
_PLACEHOLDERS = {"changeme", "your-token-here", "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"}


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one sentence naming it."""


class Settings(Rules, BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    database_url: SecretStr = SecretStr("sqlite+aiosqlite:///minhu.db")
    telegram_api_url: str = DEFAULT_API_URL
    framework: Literal["ptb", "aiogram"] = "ptb"
    taxonomy_file: Path | None = None
    urgency_model_file: str | None = None  # a file from `minhu urgency train`, or "off"
    category_model_file: str | None = None  # a file from `minhu categories train`, or "off"
    min_confidence: float | None = Field(default=None, ge=0, le=1)

    # webhook mode
    webhook_secret: SecretStr | None = None
    webhook_url: str | None = None

    # outgoing message limits (Telegram's published limits); 0 turns a limit off
    send_global_per_second: float = Field(default=30, ge=0)
    send_private_per_second: float = Field(default=1, ge=0)
    send_private_burst: int = Field(default=3, ge=1)
    send_group_per_minute: float = Field(default=20, ge=0)

    telegram_timeout: float = Field(default=15, gt=0)  # seconds for one Bot API request

    log_level: str = "INFO"

    @property
    def token(self) -> str:
        return self.bot_token.get_secret_value().strip() if self.bot_token else ""

    def require_telegram(self) -> None:
        """Refuse to start against Telegram without a usable token and staff chat."""
        if not self.token:
            raise SettingsError(
                "BOT_TOKEN is not set: create a bot with @BotFather and put its token "
                "in the environment or .env."
            )
        if self.token in _PLACEHOLDERS or not _TOKEN_SHAPE.match(self.token):
            raise SettingsError(
                "BOT_TOKEN does not look like a token from @BotFather (digits, a colon, then letters)."
            )
        if self.staff_chat_id is None:
            raise SettingsError(
                "STAFF_CHAT_ID is not set: add the bot to the staff group and put the group's id "
                "(a negative number) in the environment or .env."
            )


def load_settings(**overrides: object) -> Settings:
    """Read settings; any error becomes one sentence naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "a setting"
        raise SettingsError(f"{name} is invalid: {first['msg']}.") from None
