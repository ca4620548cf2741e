"""The sandbox's endpoints over real HTTP (no browser): the real bot, through each framework,
against the fake Telegram, driven the way the page drives it."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
import pytest_asyncio

from bot.fake_telegram.files import tiny_png
from bot.sandbox import Sandbox, cast
from bot.sandbox.world import TOKEN
from handlers.texts import t
from storage.tables import TicketStatus
from tests.e2e.world import shared_classifier
from tests.support.sandbox import EventStream, Page, message_event, running_sandbox


def plain(key: str, **values: object) -> str:
    """A catalogue text as the chat shows it: without the HTML tags."""
    return html.unescape(re.sub(r"<[^>]+>", "", t(key, **values)))


@pytest.fixture(params=["ptb", "aiogram"])
def framework(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def classifier() -> object:
    return shared_classifier()


@pytest.fixture
async def page(framework: str, db_url: str, classifier: object) -> AsyncIterator[Page]:
    async with running_sandbox(framework=framework, database=db_url, classifier=classifier) as running:
        yield running


async def tickets(sandbox: Sandbox) -> list:
    from sqlmodel import col, select

    from storage.tables import Ticket

    assert sandbox.bot is not None
    async with sandbox.bot.db.session() as session:
        return list((await session.exec(select(Ticket).order_by(col(Ticket.id)))).all())


async def test_state_has_the_cast_the_three_chats_and_the_page_words(page: Page, framework: str) -> None:
    status, body, content_type = await page.get("/")
    assert status == 200 and content_type == "text/html" and b"/static/sandbox.js" in body
    status, script, content_type = await page.get("/static/sandbox.js")
    assert status == 200 and content_type == "text/javascript" and b"EventSource" in script
    assert (await page.get("/static/../world.py"))[0] == 404
    async with aiohttp.ClientSession() as http, http.get(page.url + "api/state") as response:
        state = await response.json()
    sandbox = page.sandbox
    assert [p["name"] for p in state["cast"]["residents"]] == [r.name for r in cast.RESIDENTS]
    assert [p["name"] for p in state["cast"]["staff"]] == [s.name for s in cast.STAFF]
    assert state["cast"]["group"] == {
        "id": sandbox.group.id,
        "title": cast.GROUP_TITLE,
        "members": [u.id for u in sandbox.staff],
    }
    assert sandbox.settings.staff_chat_id == sandbox.group.id
    assert sandbox.settings.telegram_api_url.startswith("http://127.0.0.1:")
    assert state["framework"] == framework and state["bot"]["username"] == cast.BOT_USERNAME
    assert state["texts"]["title"] == t("sandbox.page.title")
    assert state["clock"]["timezone"] == "Asia/Shanghai"
    # the bot published its menus to the fake Telegram at start
    assert {c["command"] for c in state["commands"]["group"]} >= {"open", "ticket"}
    assert {c["command"] for c in state["commands"]["private"]} >= {"start", "my"}


async def test_a_report_reaches_the_group_and_a_claim_edits_the_card_in_place(page: Page) -> None:
    sandbox = page.sandbox
    wang, li, group = sandbox.residents[0], sandbox.staff[0], sandbox.group
    async with EventStream(page.url) as stream:
        status, sent = await page.post("/api/text", {"user": wang.id, "chat": wang.id, "text": "3幢电梯又坏了，困在家里下不了楼"})
        assert status == 200 and sent["ok"]
        own = await stream.next(message_event(wang.id, "电梯", from_bot=False))
        assert own["message"]["message_id"] == sent["message_id"]
        ack = await stream.next(message_event(wang.id, "工单号"))
        assert "<b>#1</b>" in ack["message"]["html"]  # the bot's formatting, as Telegram HTML
        card = (await stream.next(message_event(group.id, "工单 #1")))["message"]
        labels = [b["text"] for row in card["reply_markup"]["inline_keyboard"] for b in row]
        assert t("button.claim") in labels and "王秀英" in card["text"]

        claim = next(b for row in card["reply_markup"]["inline_keyboard"] for b in row if b["text"] == t("button.claim"))
        mark = stream.mark
        status, _ = await page.post("/api/press", {"user": li.id, "chat": group.id, "message": card["message_id"], "data": claim["callback_data"]})
        assert status == 200
        answer = await stream.next(lambda e: e["type"] == "answer", after=mark)
        assert answer == {"type": "answer", "chat_id": group.id, "user_id": li.id, "text": t("staff.done_claim", id=1), "alert": False}
        edited = await stream.next(lambda e: e["type"] == "message" and e["message"]["message_id"] == card["message_id"], after=mark)
        assert "处理人：李明" in edited["message"]["text"] and edited["message"]["edit_date"]
        await stream.next(message_event(wang.id, plain("resident.claimed", id=1)), after=mark)

        # a staff reply to the card goes to the resident
        mark = stream.mark
        status, _ = await page.post(
            "/api/text", {"user": li.id, "chat": group.id, "text": "师傅下午两点到", "reply_to": card["message_id"]}
        )
        assert status == 200
        relayed = await stream.next(message_event(wang.id, "师傅下午两点到"), after=mark)
        assert "#1" in relayed["message"]["text"]
    [ticket] = await tickets(sandbox)
    assert ticket.status == TicketStatus.CLAIMED and ticket.assignee_id == li.id


async def test_someone_outside_the_group_cannot_write_there_and_the_bot_refuses_their_press(page: Page) -> None:
    sandbox = page.sandbox
    wang, li_jianguo, group = sandbox.residents[0], sandbox.residents[1], sandbox.group
    async with EventStream(page.url) as stream:
        await page.post("/api/text", {"user": wang.id, "chat": wang.id, "text": "楼道灯坏了"})
        card = (await stream.next(message_event(group.id, "工单 #1")))["message"]
        status, body = await page.post("/api/text", {"user": wang.id, "chat": group.id, "text": "/open"})
        assert status == 400 and body["error"] == t("sandbox.error.not_in_group", name="王秀英", group=cast.GROUP_TITLE)
        status, body = await page.post("/api/text", {"user": li_jianguo.id, "chat": wang.id, "text": "你好"})
        assert status == 400 and body["error"] == t("sandbox.error.not_your_chat", name="李建国")

        mark = stream.mark
        status, _ = await page.post("/api/press", {"user": wang.id, "chat": group.id, "message": card["message_id"], "data": "t:claim:1"})
        assert status == 200  # a forged press reaches the bot...
        answer = await stream.next(lambda e: e["type"] == "answer", after=mark)
        assert answer["alert"] and answer["text"] == t("refuse.staff_only")  # ...which refuses it
        # and in the resident's own chat, staff commands are refused too
        await page.post("/api/text", {"user": wang.id, "chat": wang.id, "text": "/open"})
        await stream.next(message_event(wang.id, plain("refuse.staff_chat_only")))
    await sandbox.settle()
    [ticket] = await tickets(sandbox)
    assert ticket.status == TicketStatus.OPEN and ticket.assignee_id is None


async def test_bad_requests_get_a_plain_answer_and_change_nothing(page: Page) -> None:
    wang = page.sandbox.residents[0]
    cases = [
        ("/api/text", {"user": wang.id, "chat": wang.id, "text": "   "}, t("sandbox.error.empty")),
        ("/api/text", {"user": wang.id, "chat": wang.id, "text": "字" * 4097}, t("sandbox.error.too_long", n=4096)),
        ("/api/text", {"user": 42, "chat": 42, "text": "hi"}, t("sandbox.error.unknown")),
        ("/api/text", {"user": wang.id, "text": "hi"}, t("sandbox.error.bad_request", what="chat")),
        ("/api/press", {"user": wang.id, "chat": wang.id, "message": 999, "data": "x"}, t("sandbox.error.no_message")),
        ("/api/keyboard", {"user": wang.id, "chat": wang.id, "text": "📋 我的工单"}, None),  # no keyboard shown yet
        ("/api/poll", {"user": wang.id, "chat": wang.id, "message": 1, "options": "0"}, t("sandbox.error.bad_request", what="options")),
        ("/api/clock", {"hours": -1}, t("sandbox.error.clock_backwards")),
        ("/api/clock", {"hours": 24 * 400}, t("sandbox.error.clock_too_far", days=366)),
        ("/api/clock", {"to": "2001-01-01T08:00"}, t("sandbox.error.clock_backwards")),
        ("/api/clock", {"to": "tomorrow"}, t("sandbox.error.bad_request", what="to")),
        ("/api/location", {"user": wang.id, "chat": wang.id, "latitude": 91, "longitude": 0}, t("sandbox.error.bad_location")),
    ]
    for path, body, error in cases:
        status, answer = await page.post(path, body)
        assert status == 400, (path, body)
        if error is not None:
            assert answer["error"] == error
    async with aiohttp.ClientSession() as http:
        async with http.post(page.url + "api/text", data=b"not json", headers={"Content-Type": "application/json"}) as r:
            assert r.status == 400 and (await r.json())["error"] == t("sandbox.error.bad_request", what="JSON")
        form = aiohttp.FormData({"user": str(wang.id), "chat": str(wang.id)})
        form.add_field("photo", b"not an image", filename="x.png")
        async with http.post(page.url + "api/photo", data=form) as r:
            assert r.status == 400 and (await r.json())["error"] == t("sandbox.error.not_a_photo")
    # another web site open in the same browser may not act here
    status, _ = await page.post("/api/text", {"user": wang.id, "chat": wang.id, "text": "hi"}, Origin="http://evil.example")
    assert status == 403
    await page.sandbox.settle()
    assert await tickets(page.sandbox) == [] and page.sandbox.tg.chat_history(wang.id) == []


async def test_a_photo_shows_in_both_chats_and_downloads_as_sent(page: Page) -> None:
    sandbox = page.sandbox
    wang, group = sandbox.residents[0], sandbox.group
    picture = tiny_png(32, 24, (200, 30, 30))
    async with EventStream(page.url) as stream, aiohttp.ClientSession() as http:
        form = aiohttp.FormData()
        form.add_field("user", str(wang.id))
        form.add_field("chat", str(wang.id))
        form.add_field("caption", "路灯坏了，看照片")
        form.add_field("photo", picture, filename="lamp.png", content_type="image/png")
        async with http.post(page.url + "api/photo", data=form) as response:
            assert response.status == 200
        own = (await stream.next(message_event(wang.id, "路灯坏了", from_bot=False)))["message"]
        assert own["kind"] == "photo" and own["html"] == "路灯坏了，看照片"
        copy = (await stream.next(lambda e: e["type"] == "message" and e["message"]["chat_id"] == group.id and e["message"]["kind"] == "photo"))["message"]
        for message in (own, copy):
            status, data, content_type = await page.get(f"/file/{message['photo'][-1]['file_id']}")
            assert status == 200 and data == picture and content_type == "image/png"
        await page.post("/api/location", {"user": wang.id, "chat": wang.id, "latitude": cast.HERE[0], "longitude": cast.HERE[1]})
        place = (await stream.next(lambda e: e["type"] == "message" and e["message"]["chat_id"] == group.id and e["message"]["kind"] == "location"))["message"]
        assert place["location"]["latitude"] == pytest.approx(cast.HERE[0]) and place["reply_to"]["message_id"] > 0
    assert (await page.get("/file/no-such-file"))[0] == 404
    [ticket] = await tickets(sandbox)
    assert ticket.text == "路灯坏了，看照片"


async def test_reply_keyboard_taps_and_poll_votes_go_through_telegram(page: Page) -> None:
    sandbox = page.sandbox
    chen = sandbox.residents[2]
    async with EventStream(page.url) as stream:
        await page.post("/api/text", {"user": chen.id, "chat": chen.id, "text": "/start"})
        keyboard = await stream.next(lambda e: e["type"] == "keyboard" and e["chat_id"] == chen.id)
        keys = [b["text"] for row in keyboard["markup"]["keyboard"] for b in row]
        assert t("menu.my") in keys
        status, _ = await page.post("/api/keyboard", {"user": chen.id, "chat": chen.id, "text": t("menu.my")})
        assert status == 200
        await stream.next(message_event(chen.id, plain("my.none")))

        # any poll the bot sends is drawn from its JSON and can be answered from the page
        async with aiohttp.ClientSession() as http:
            params = {"chat_id": chen.id, "question": "这次服务您满意吗？", "options": '["满意","一般","不满意"]', "is_anonymous": "false"}
            async with http.post(f"{sandbox.tg.api_url}/bot{TOKEN}/sendPoll", data=params) as response:
                poll_message = (await response.json())["result"]
        shown = await stream.next(lambda e: e["type"] == "message" and e["message"].get("poll"))
        assert shown["message"]["votes"] == {} and [o["text"] for o in shown["message"]["poll"]["options"]] == ["满意", "一般", "不满意"]
        mark = stream.mark
        status, _ = await page.post("/api/poll", {"user": chen.id, "chat": chen.id, "message": poll_message["message_id"], "options": [1]})
        assert status == 200
        voted = await stream.next(lambda e: e["type"] == "message" and e["message"].get("poll"), after=mark)
        assert voted["message"]["votes"] == {str(chen.id): [1]}
        assert [o["voter_count"] for o in voted["message"]["poll"]["options"]] == [0, 1, 0]
        async with aiohttp.ClientSession() as http:
            params = {"chat_id": chen.id, "message_id": poll_message["message_id"]}
            async with http.post(f"{sandbox.tg.api_url}/bot{TOKEN}/stopPoll", data=params) as response:
                assert response.status == 200
        status, body = await page.post("/api/poll", {"user": chen.id, "chat": chen.id, "message": poll_message["message_id"], "options": [0]})
        assert status == 400 and body["error"] == t("sandbox.error.poll_closed")


async def test_the_clock_jumps_forward_for_the_bot_and_the_page(page: Page) -> None:
    sandbox = page.sandbox
    wang = sandbox.residents[0]
    before = sandbox.clock.now()
    async with EventStream(page.url) as stream:
        status, body = await page.post("/api/clock", {"hours": 24})
        assert status == 200
        # the page's clock follows, through any timer the jump stopped at, to the end
        await stream.next(lambda e: e["type"] == "clock" and e["clock"]["now"][:16] == body["now"][:16])
        assert timedelta(hours=24) <= sandbox.clock.now() - before < timedelta(hours=24, minutes=1)

        local = (sandbox.clock.now() + timedelta(days=2)).astimezone(sandbox.settings.tz).replace(second=0, microsecond=0)
        status, _ = await page.post("/api/clock", {"to": local.strftime("%Y-%m-%dT%H:%M")})
        assert status == 200
        assert abs(sandbox.clock.now() - local) < timedelta(minutes=1)

        await page.post("/api/text", {"user": wang.id, "chat": wang.id, "text": "电梯坏了"})
        own = (await stream.next(message_event(wang.id, "电梯坏了", from_bot=False)))["message"]
        assert abs(own["date"] - local.timestamp()) < 60  # Telegram's dates follow the sandbox clock
    await sandbox.settle()
    [ticket] = await tickets(sandbox)
    assert abs(ticket.created_at - local) < timedelta(minutes=1)  # and so does the bot


async def test_a_kept_database_carries_on_after_a_restart(framework: str, db_url: str, classifier: object) -> None:
    """Update ids, message ids and the clock continue where the last session left them (the
    clock from the last thing that happened), so the bot's inbox does not skip new updates as
    seen before and no ticket seems to come from the future."""
    async with running_sandbox(framework=framework, database=db_url, classifier=classifier) as first:
        wang = first.sandbox.residents[0]
        await first.sandbox.advance(timedelta(days=3))
        ahead = first.sandbox.clock.now()
        first.sandbox.send_text(wang.id, wang.id, "电梯坏了")  # handled three days ahead
        await first.sandbox.settle()
        last_id = max(m["message_id"] for m in first.sandbox.tg.chat_history(wang.id))
    async with running_sandbox(framework=framework, database=db_url, classifier=classifier) as second:
        sandbox = second.sandbox
        assert sandbox.clock.now() >= ahead
        assert sandbox.residents[0].id == wang.id  # the same people, by id
        sent = sandbox.send_text(wang.id, wang.id, "楼道灯也不亮了")
        assert sent["message_id"] > last_id
        await sandbox.settle()
        assert [tk.text for tk in await tickets(sandbox)] == ["电梯坏了", "楼道灯也不亮了"]


async def test_a_sandbox_refuses_to_seed_a_database_that_has_tickets(db_url: str, classifier: object) -> None:
    from bot.sandbox import SandboxError

    async with running_sandbox(framework="ptb", database=db_url, classifier=classifier) as running:
        wang = running.sandbox.residents[0]
        running.sandbox.send_text(wang.id, wang.id, "电梯坏了")
        await running.sandbox.settle()
    sandbox = Sandbox(database=db_url, classifier=classifier, seeding=True)  # type: ignore[arg-type]
    with pytest.raises(SandboxError, match="1 tickets"):
        await sandbox.start()
    await sandbox.stop()


async def test_a_jump_of_the_clock_plays_the_timers_on_the_way_at_their_own_time(page: Page) -> None:
    """Resolve a ticket, jump three days: the poll's reminder comes dated a day after the
    resolving, the closing without an answer two days later, in that order, at once."""
    sandbox = page.sandbox
    wang, li, group = sandbox.residents[0], sandbox.staff[0], sandbox.group
    async with EventStream(page.url) as stream:
        await page.post("/api/text", {"user": wang.id, "chat": wang.id, "text": "楼道灯坏了"})
        card = (await stream.next(message_event(group.id, "工单 #1")))["message"]
        resolve = next(b for row in card["reply_markup"]["inline_keyboard"] for b in row if b["text"] == t("button.resolve"))
        await page.post("/api/press", {"user": li.id, "chat": group.id, "message": card["message_id"], "data": resolve["callback_data"]})
        poll = await stream.next(lambda e: e["type"] == "message" and e["message"]["chat_id"] == wang.id and e["message"].get("poll"))
        assert not poll["message"]["poll"]["is_closed"]
        await sandbox.settle()
        [ticket] = await tickets(sandbox)
        resolved = ticket.resolved_at.timestamp()
        mark = stream.mark
        status, _ = await page.post("/api/clock", {"hours": 72 + 1})
        assert status == 200  # answered when the jump has played out
        reminder = await stream.next(message_event(wang.id, plain("satisfaction.reminder", id=1)), after=mark, timeout=1)
        hours = sandbox.settings.poll_reminder_hours * 3600
        assert abs(reminder["message"]["date"] - (resolved + hours)) < 60
        stopped = await stream.next(
            lambda e: e["type"] == "message" and e["message"].get("poll", {}).get("is_closed"), after=mark, timeout=1
        )
        assert stopped["message"]["message_id"] == poll["message"]["message_id"]
    [ticket] = await tickets(sandbox)
    assert ticket.status == TicketStatus.CLOSED and ticket.rating is None
    assert abs(ticket.closed_at.timestamp() - (resolved + sandbox.settings.poll_close_hours * 3600)) < 60
