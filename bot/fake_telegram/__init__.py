"""A fake Telegram Bot API server for tests, benchmarks and the local sandbox.

    async with FakeTelegram(token="123456:TEST-token") as tg:
        alice = tg.add_user("王阿姨")
        ... run the bot against tg.api_url ...
        tg.send_text(alice, "你好")
        reply = await tg.wait_for_sent(chat_id=alice.id)
"""

from .markup import HtmlParseError, parse_html, to_html
from .models import ApiCall, ApiError, FakeChat, FakeUser, Limits, SentMessage, WebhookDelivery
from .server import FakeTelegram

__all__ = [
    "ApiCall",
    "ApiError",
    "FakeChat",
    "FakeTelegram",
    "FakeUser",
    "HtmlParseError",
    "Limits",
    "SentMessage",
    "WebhookDelivery",
    "parse_html",
    "to_html",
]
