"""Hand-written fakes for the ports handlers use (no framework, no network)."""

from __future__ import annotations

from dataclasses import dataclass, field

NAMES = {
    "repair": "物业维修",
    "environment": "环境卫生",
    "parking": "停车交通",
    "safety": "治安消防",
    "dispute": "邻里纠纷",
    "elderly": "养老助老",
    "health": "医疗健康",
    "education": "教育托育",
    "culture": "文体活动",
    "affairs": "政务办事",
    "assistance": "困难帮扶",
    "other": "其他",
}

# word -> (category, urgent); the first word found decides
WORDS = {
    "煤气": ("safety", True),
    "着火": ("safety", True),
    "电梯": ("repair", False),
    "漏水": ("repair", False),
    "垃圾": ("environment", False),
    "停车": ("parking", False),
    "吵": ("dispute", False),
}


@dataclass(frozen=True)
class FakeClassification:
    category: str
    confidence: float
    urgent: bool
    keywords: tuple[str, ...]
    urgent_keywords: tuple[str, ...]


class FakeTaxonomy:
    ids = tuple(NAMES)

    def name(self, category_id: str, lang: str = "zh") -> str:
        return NAMES[category_id]


@dataclass
class FakeClassifier:
    """Recognises a few words; records what it was asked."""

    taxonomy: FakeTaxonomy = field(default_factory=FakeTaxonomy)
    seen: list[str] = field(default_factory=list)

    def classify(self, text: str) -> FakeClassification:
        self.seen.append(text)
        for word, (category, urgent) in WORDS.items():
            if word in text:
                return FakeClassification(category, 0.9, urgent, (word,), (word,) if urgent else ())
        return FakeClassification("other", 0.0, False, (), ())

    def warm_up(self) -> None:
        pass


@dataclass
class FakeMembership:
    """Staff-group membership as a set; counts how often Telegram would be asked."""

    members: set[int] = field(default_factory=set)
    asked: int = 0

    async def is_member(self, chat_id: int, user_id: int) -> bool:
        self.asked += 1
        return user_id in self.members


@dataclass
class Delivery:
    chat_id: int
    action: object
    message_id: int | None
    reply_to: int | None
    target: int | None

    @property
    def text(self) -> str:
        return getattr(self.action, "text", None) or getattr(self.action, "caption", None) or ""

    @property
    def buttons(self) -> list[tuple[str, str]]:
        inline = getattr(self.action, "inline", None) or ()
        return [(b.text, b.data) for row in inline for b in row]


class FakeBotApi:
    """Records deliveries and numbers messages per chat, like Telegram would.

    `fail` holds exceptions to raise on the next deliveries, in order (429s, 5xx...).
    """

    def __init__(self) -> None:
        from collections import defaultdict

        self.deliveries: list[Delivery] = []
        self.answers: list[object] = []
        self.fail: list[Exception] = []
        self.calls = 0
        self._next_id: dict[int, int] = defaultdict(lambda: 1000)
        self._polls = 0

    async def deliver(self, action, resolved):  # type: ignore[no-untyped-def]
        from bot.botapi import Delivered

        self.calls += 1
        if self.fail:
            raise self.fail.pop(0)
        kind = getattr(action, "kind", "")
        message_id = None
        poll_id = None
        if kind.startswith("send") or kind == "copy_message":
            self._next_id[action.chat_id] += 1
            message_id = self._next_id[action.chat_id]
            if kind == "send_poll":
                self._polls += 1
                poll_id = f"poll-{self._polls}"
        self.deliveries.append(Delivery(action.chat_id, action, message_id, resolved.reply_to, resolved.target))
        return Delivered(message_id, poll_id)

    async def answer(self, action) -> None:  # type: ignore[no-untyped-def]
        self.answers.append(action)
