"""The fake Telegram server on its own: raw HTTP, parsing, updates, webhook, limits, faults."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.fake_telegram import FakeTelegram, Limits, parse_html, to_html
from bot.fake_telegram.markup import HtmlParseError, detect_entities, utf16_len
from bot.fake_telegram.ratelimit import RateLimiter


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def call(
    http: aiohttp.ClientSession, tg: FakeTelegram, method: str, **params: Any
) -> tuple[int, dict[str, Any]]:
    async with http.post(f"{tg.api_url}/bot{tg.token}/{method}", json=params) as resp:
        return resp.status, await resp.json()


async def ok(http: aiohttp.ClientSession, tg: FakeTelegram, method: str, **params: Any) -> Any:
    status, body = await call(http, tg, method, **params)
    assert status == 200 and body["ok"], body
    return body["result"]


async def error(
    http: aiohttp.ClientSession, tg: FakeTelegram, method: str, **params: Any
) -> tuple[int, str]:
    status, body = await call(http, tg, method, **params)
    assert not body["ok"] and body["error_code"] == status, body
    return status, body["description"]


# ---------------------------------------------------------------------- HTML and entities


def test_html_becomes_text_and_entities() -> None:
    text, entities = parse_html(
        '<b>3幢</b>电梯<i>又</i>坏了 <a href="https://example.org/?a=1&amp;b=2">链接</a> '
        "&lt;tag&gt; &amp; <code>x</code>\n<pre><code class=\"language-python\">1 &lt; 2</code></pre>"
    )
    assert text == "3幢电梯又坏了 链接 <tag> & x\n1 < 2"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "italic", "offset": 4, "length": 1},
        {"type": "text_link", "url": "https://example.org/?a=1&b=2", "offset": 8, "length": 2},
        {"type": "code", "offset": 19, "length": 1},
        {"type": "pre", "language": "python", "offset": 21, "length": 5},
    ]


def test_entity_offsets_count_utf16_units() -> None:
    text, entities = parse_html("👍<b>好</b><u>u</u>")
    assert text == "👍好u"
    assert utf16_len("👍") == 2
    assert entities == [
        {"type": "bold", "offset": 2, "length": 1},
        {"type": "underline", "offset": 3, "length": 1},
    ]


@pytest.mark.parametrize(
    ("html", "fragment"),
    [
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("a < b", "Unexpected end of name token at byte offset 3"),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<br>", 'Unsupported start tag "br"'),
    ],
)
def test_broken_html_is_refused(html: str, fragment: str) -> None:
    with pytest.raises(HtmlParseError) as info:
        parse_html(html)
    assert fragment in str(info.value)


def test_to_html_renders_entities_back() -> None:
    source = '<b>粗<i>斜</i></b> 👍 <a href="https://e.org">l</a> &lt;&amp;'
    text, entities = parse_html(source)
    html = to_html(text, entities)
    assert html == '<b>粗<i>斜</i></b> 👍 <a href="https://e.org">l</a> &lt;&amp;'
    assert parse_html(html) == (text, entities)
    # overlapping (not nested) entities are split and reopened
    crossing = to_html("abcdef", [{"type": "bold", "offset": 0, "length": 4},
                                  {"type": "italic", "offset": 2, "length": 4}])
    assert crossing == "<b>ab<i>cd</i></b><i>ef</i>"


def test_telegram_finds_commands_urls_and_mentions() -> None:
    found = detect_entities("/start@minhu_test_bot 看 https://x.org/a, 找 @wang_ayi #电梯")
    assert [(e["type"], e["offset"], e["length"]) for e in found] == [
        ("bot_command", 0, 21),
        ("url", 24, 15),
        ("mention", 43, 9),
        ("hashtag", 53, 3),
    ]


# ---------------------------------------------------------------------- rate limiter


def test_token_buckets_refill_at_the_configured_rate() -> None:
    now = [0.0]
    limiter = RateLimiter(
        Limits(enabled=True, global_per_second=30, private_per_second=1, private_burst=3,
               group_per_minute=20),
        lambda: now[0],
    )
    assert [limiter.acquire(1, True) for _ in range(4)] == [None, None, None, 1]
    now[0] += 0.5
    assert limiter.acquire(1, True) == 1  # half a token is not enough
    now[0] += 0.5
    assert limiter.acquire(1, True) is None
    # a group: 20 at once, then one every 3 seconds
    assert all(limiter.acquire(-100, False) is None for _ in range(20))
    assert limiter.acquire(-100, False) == 3
    now[0] += 3
    assert limiter.acquire(-100, False) is None
    # staying at 1 message per second in a private chat never hits the limit
    for _ in range(20):
        now[0] += 1.0
        assert limiter.acquire(2, True) is None


def test_global_bucket_spans_all_chats() -> None:
    now = [0.0]
    limiter = RateLimiter(Limits(enabled=True), lambda: now[0])
    results = [limiter.acquire(1000 + i, True) for i in range(31)]
    assert results[:30] == [None] * 30
    assert results[30] == 1
    assert RateLimiter(Limits(enabled=False), lambda: 0.0).acquire(1, True) is None


# ---------------------------------------------------------------------- HTTP basics


async def test_wrong_token_and_unknown_method(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    async with http.post(f"{tg.api_url}/bot999:nope/getMe") as resp:
        assert resp.status == 401
        assert await resp.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    async with http.post(f"{tg.api_url}/bot{tg.token}/sendTelepathy") as resp:
        assert resp.status == 404
        assert (await resp.json())["description"] == "Not Found"
    # method names are case-insensitive, as on Telegram
    me = await ok(http, tg, "getme")
    assert me["id"] == 123456 and me["is_bot"] and me["username"] == "minhu_test_bot"
    assert [c.http_status for c in tg.calls] == [401, 404, 200]
    assert tg.calls[-1].method == "getMe"


async def test_every_encoding_is_decoded(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    alice = tg.add_user("王阿姨")
    markup = {"inline_keyboard": [[{"text": "好", "callback_data": "ok"}]]}
    base = f"{tg.api_url}/bot{tg.token}"
    # query string (GET)
    async with http.get(f"{base}/sendMessage", params={"chat_id": str(alice.id), "text": "q"}) as r:
        assert r.status == 200
    # urlencoded form, complex fields as JSON text (as PTB sends)
    form = {"chat_id": str(alice.id), "text": "f", "reply_markup": json.dumps(markup),
            "disable_notification": "true"}
    async with http.post(f"{base}/sendMessage", data=form) as r:
        assert r.status == 200
    # JSON body
    async with http.post(f"{base}/sendMessage", json={"chat_id": alice.id, "text": "j"}) as r:
        assert r.status == 200
    # multipart with an upload referenced by attach:// (as aiogram sends)
    mp = aiohttp.FormData()
    mp.add_field("chat_id", str(alice.id))
    mp.add_field("photo", "attach://pic")
    mp.add_field("caption", "c")
    mp.add_field("pic", b"\x89PNG\r\n\x1a\nrest", filename="p.png", content_type="image/png")
    async with http.post(f"{base}/sendPhoto", data=mp) as r:
        assert r.status == 200
        photo = (await r.json())["result"]["photo"]
    assert [c.params["chat_id"] for c in tg.calls] == [alice.id] * 4
    assert tg.calls[1].params["reply_markup"] == markup
    assert tg.calls[1].params["disable_notification"] is True
    assert tg.calls[3].params["pic"] == {"upload": "p.png", "content_type": "image/png", "size": 12}
    assert [s.text for s in tg.sent] == ["q", "f", "j", "c"]
    assert tg.sent[1].reply_markup == markup
    # the upload can be downloaded through getFile
    file = await ok(http, tg, "getFile", file_id=photo[-1]["file_id"])
    async with http.get(f"{tg.api_url}/file/bot{tg.token}/{file['file_path']}") as r:
        assert await r.read() == b"\x89PNG\r\n\x1a\nrest"
    async with http.get(f"{tg.api_url}/file/bot{tg.token}/photos/none.jpg") as r:
        assert r.status == 404


async def test_realistic_bad_requests(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    alice = tg.add_user("王阿姨")
    cid = alice.id
    assert await error(http, tg, "sendMessage", chat_id=42, text="x") == (
        400, "Bad Request: chat not found")
    assert await error(http, tg, "sendMessage", chat_id=cid, text="  ") == (
        400, "Bad Request: message text is empty")
    assert await error(http, tg, "sendMessage", chat_id=cid, text="长" * 4097) == (
        400, "Bad Request: message is too long")
    await ok(http, tg, "sendMessage", chat_id=cid, text="长" * 4096)
    big = tg.send_photo(alice)
    assert await error(http, tg, "sendPhoto", chat_id=cid, photo=big["photo"][-1]["file_id"],
                       caption="c" * 1025) == (400, "Bad Request: message caption is too long")
    status, desc = await error(http, tg, "sendMessage", chat_id=cid, text="<b>x", parse_mode="HTML")
    assert status == 400 and desc.startswith("Bad Request: can't parse entities: ")
    long_data = {"inline_keyboard": [[{"text": "t", "callback_data": "x" * 65}]]}
    assert await error(http, tg, "sendMessage", chat_id=cid, text="x", reply_markup=long_data) == (
        400, "Bad Request: BUTTON_DATA_INVALID")
    assert await error(http, tg, "editMessageText", chat_id=cid, message_id=999, text="x") == (
        400, "Bad Request: message to edit not found")
    msg = await ok(http, tg, "sendMessage", chat_id=cid, text="<b>同</b>", parse_mode="HTML")
    status, desc = await error(http, tg, "editMessageText", chat_id=cid,
                               message_id=msg["message_id"], text="<b>同</b>", parse_mode="HTML")
    assert desc == (
        "Bad Request: message is not modified: specified new message content and reply markup "
        "are exactly the same as a current content and reply markup of the message"
    )
    user_msg = tg.send_text(alice, "我的")
    assert await error(http, tg, "editMessageText", chat_id=cid,
                       message_id=user_msg["message_id"], text="x") == (
        400, "Bad Request: message can't be edited")
    assert await error(http, tg, "sendMessage", chat_id=cid, text="x",
                       reply_parameters={"message_id": 999}) == (
        400, "Bad Request: message to be replied not found")
    assert await error(http, tg, "getFile", file_id="nope") == (400, "Bad Request: invalid file_id")
    assert await error(http, tg, "answerCallbackQuery", callback_query_id="1") == (
        400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
    tg.block_bot(alice)
    assert await error(http, tg, "sendMessage", chat_id=cid, text="x") == (
        403, "Forbidden: bot was blocked by the user")
    group = tg.add_group("社区工作群", members=[alice])
    tg.remove_member(group, tg.bot_user, banned=True)
    assert await error(http, tg, "sendMessage", chat_id=group.id, text="x") == (
        403, "Forbidden: bot was kicked from the supergroup chat")


async def test_messages_share_the_chat_counter_and_replies_embed(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    alice = tg.add_user("王阿姨")
    first = tg.send_text(alice, "电梯坏了")
    reply = await ok(http, tg, "sendMessage", chat_id=alice.id, text="收到",
                     reply_parameters={"message_id": first["message_id"]})
    again = tg.send_text(alice, "谢谢", reply_to=reply)
    old_style = await ok(http, tg, "sendMessage", chat_id=alice.id, text="好",
                         reply_to_message_id=again["message_id"])
    assert [m["message_id"] for m in tg.chat_history(alice.id)] == [1, 2, 3, 4]
    assert reply["from"]["is_bot"] and reply["chat"] == {"id": alice.id, "first_name": "王阿姨",
                                                         "type": "private"}
    assert reply["reply_to_message"]["text"] == "电梯坏了"
    assert again["reply_to_message"]["message_id"] == 2
    assert "reply_to_message" not in again["reply_to_message"]  # one level only, as Telegram
    assert old_style["reply_to_message"]["text"] == "谢谢"
    assert tg.sent[1].reply_to_message_id == 3
    assert tg.message(alice.id, 2)["text"] == "收到"


async def test_edits_keep_history_and_drop_the_keyboard_unless_resent(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    alice = tg.add_user("王阿姨")
    kb = {"inline_keyboard": [[{"text": "是", "callback_data": "y"}]]}
    msg = await ok(http, tg, "sendMessage", chat_id=alice.id, text="<i>确认?</i>",
                   parse_mode="HTML", reply_markup=kb)
    sent = tg.sent[0]
    assert sent.html == "<i>确认?</i>" and sent.message["entities"][0]["type"] == "italic"
    await ok(http, tg, "editMessageReplyMarkup", chat_id=alice.id, message_id=msg["message_id"],
             reply_markup={"inline_keyboard": [[{"text": "否", "callback_data": "n"}]]})
    edited = await ok(http, tg, "editMessageText", chat_id=alice.id,
                      message_id=msg["message_id"], text="已确认")
    assert "reply_markup" not in edited and "entities" not in edited and "edit_date" in edited
    assert sent.text == "已确认" and sent.reply_markup is None and sent.html == "已确认"
    assert [e.get("reply_markup") for e in sent.edits] == [kb, {"inline_keyboard": [[
        {"text": "否", "callback_data": "n"}]]}]
    assert await ok(http, tg, "deleteMessage", chat_id=alice.id, message_id=msg["message_id"])
    assert sent.deleted and tg.chat_history(alice.id) == []


# ---------------------------------------------------------------------- getUpdates


async def test_get_updates_offset_limit_and_long_poll(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    alice = tg.add_user("王阿姨")
    for text in ("一", "二", "三"):
        tg.send_text(alice, text)
    first = await ok(http, tg, "getUpdates", limit=2)
    assert [u["message"]["text"] for u in first] == ["一", "二"]
    ids = [u["update_id"] for u in first]
    assert ids[1] == ids[0] + 1
    again = await ok(http, tg, "getUpdates")  # nothing confirmed yet
    assert len(again) == 3
    rest = await ok(http, tg, "getUpdates", offset=ids[1] + 1)
    assert [u["message"]["text"] for u in rest] == ["三"]
    assert tg.pending_update_count == 1
    # long poll: returns as soon as something arrives, not after the timeout
    poll = asyncio.ensure_future(ok(http, tg, "getUpdates", offset=rest[0]["update_id"] + 1,
                                    timeout=30))
    await asyncio.sleep(0.05)
    assert not poll.done()
    started = time.monotonic()
    tg.send_text(alice, "四")
    got = await poll
    assert [u["message"]["text"] for u in got] == ["四"]
    assert time.monotonic() - started < 10  # well before the 30 s timeout, even on a loaded machine
    # an empty long poll gives [] after the timeout
    empty = await ok(http, tg, "getUpdates", offset=got[0]["update_id"] + 1, timeout=0.2)
    assert empty == [] and tg.pending_update_count == 0


async def test_get_updates_filters_and_negative_offset(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    alice = tg.add_user("王阿姨")
    tg.send_text(alice, "文字")
    msg = await ok(http, tg, "sendMessage", chat_id=alice.id, text="按钮",
                   reply_markup={"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]})
    tg.press(alice, msg, "a")
    only_queries = await ok(http, tg, "getUpdates", allowed_updates=["callback_query"])
    assert [next(k for k in u if k != "update_id") for u in only_queries] == ["callback_query"]
    everything = await ok(http, tg, "getUpdates", allowed_updates=[])
    assert len(everything) == 2
    last = await ok(http, tg, "getUpdates", offset=-1)
    assert len(last) == 1 and "callback_query" in last[0]


async def test_second_get_updates_terminates_the_first(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    older = asyncio.ensure_future(call(http, tg, "getUpdates", timeout=5))
    await asyncio.sleep(0.05)
    newer = asyncio.ensure_future(call(http, tg, "getUpdates", timeout=0))
    status, body = await older
    assert status == 409
    assert body["description"] == (
        "Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running"
    )
    assert (await newer)[0] == 200


async def test_redelivered_update_comes_again_with_the_same_id(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    alice = tg.add_user("王阿姨")
    tg.send_text(alice, "一次")
    [update] = await ok(http, tg, "getUpdates")
    assert await ok(http, tg, "getUpdates", offset=update["update_id"] + 1) == []
    tg.redeliver(update["update_id"])
    tg.send_text(alice, "两次")
    again = await ok(http, tg, "getUpdates", offset=update["update_id"] + 1)
    assert [u["update_id"] for u in again] == [update["update_id"], update["update_id"] + 1]
    assert again[0] == update
    raw = tg.add_raw_update({"message": {**update["message"], "text": "raw"}})
    assert raw["update_id"] == update["update_id"] + 2


# ---------------------------------------------------------------------- webhook


class Receiver:
    """A tiny webhook endpoint that records what it gets and answers with scripted codes."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, Any], str | None]] = []
        self.statuses: list[int] = []
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        status = self.statuses.pop(0) if self.statuses else 200
        return web.Response(status=status, text="ok")


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    app = web.Application()
    app.router.add_post("/hook", rec.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    rec.url = f"http://127.0.0.1:{port}/hook"
    yield rec
    await runner.cleanup()


async def test_webhook_delivers_in_order_with_secret_and_retries(
    tg: FakeTelegram, http: aiohttp.ClientSession, receiver: Receiver
) -> None:
    tg.webhook_retry_delays = (0.01, 0.01, 0.01)
    alice = tg.add_user("王阿姨")
    assert await ok(http, tg, "setWebhook", url=receiver.url, secret_token="s3cret")
    status, desc = await error(http, tg, "getUpdates")
    assert status == 409 and desc == (
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first"
    )
    receiver.statuses = [500, 502]  # the first update fails twice, then goes through
    for text in ("一", "二", "三"):
        tg.send_text(alice, text)
    await tg.wait_for(lambda: len(receiver.requests) >= 5)
    await tg.wait_idle(quiet=0.02)
    texts = [body["message"]["text"] for body, _ in receiver.requests]
    assert texts == ["一", "一", "一", "二", "三"]
    assert {secret for _, secret in receiver.requests} == {"s3cret"}
    assert [(d.status, d.attempt) for d in tg.webhook_deliveries] == [
        (500, 1), (502, 2), (200, 3), (200, 1), (200, 1)]
    info = await ok(http, tg, "getWebhookInfo")
    assert info["url"] == receiver.url and info["pending_update_count"] == 0
    assert "Wrong response from the webhook: 502" in info["last_error_message"]
    # a forged request: the test chooses the secret
    assert await tg.post_to_webhook({"message": {"text": "x"}}, secret="wrong") == 200
    assert receiver.requests[-1][1] == "wrong"
    assert await ok(http, tg, "deleteWebhook")
    tg.send_text(alice, "四")
    [update] = await ok(http, tg, "getUpdates")
    assert update["message"]["text"] == "四"


async def test_webhook_gives_up_after_the_retries(
    tg: FakeTelegram, http: aiohttp.ClientSession, receiver: Receiver
) -> None:
    tg.webhook_retry_delays = (0.01,)
    alice = tg.add_user("王阿姨")
    await ok(http, tg, "setWebhook", url=receiver.url)
    receiver.statuses = [500, 500]
    tg.send_text(alice, "丢")
    tg.send_text(alice, "到")
    await tg.wait_for(lambda: len(receiver.requests) == 3)
    assert [b["message"]["text"] for b, _ in receiver.requests] == ["丢", "丢", "到"]
    assert receiver.requests[0][1] is None  # no secret set, no header
    assert tg.stats["webhook_dropped"] == 1


# ---------------------------------------------------------------------- limits and faults


async def test_limits_give_429_with_retry_after(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    tg.limits = Limits(enabled=True)
    alice = tg.add_user("王阿姨")
    results = [await call(http, tg, "sendMessage", chat_id=alice.id, text=str(i)) for i in range(5)]
    assert [s for s, _ in results] == [200, 200, 200, 429, 429]
    assert results[3][1] == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    group = tg.add_group("社区工作群", members=[alice])
    statuses = [(await call(http, tg, "sendMessage", chat_id=group.id, text="g"))
                for _ in range(22)]
    assert [s for s, _ in statuses].count(200) == 20
    assert statuses[-1][1]["parameters"]["retry_after"] == 3
    assert tg.stats["429_limit"] == 4
    # deleting is free, and sends are counted per method family, not for getMe
    assert await ok(http, tg, "deleteMessage", chat_id=group.id, message_id=1)
    await ok(http, tg, "getMe")


async def test_global_limit_across_chats(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    tg.limits = Limits(enabled=True, global_per_second=30)
    users = [tg.add_user(f"居民{i}") for i in range(40)]
    statuses = await asyncio.gather(
        *(call(http, tg, "sendMessage", chat_id=u.id, text="通知") for u in users)
    )
    codes = [s for s, _ in statuses]
    assert 30 <= codes.count(200) <= 31  # a few ms of refill may free one more
    assert all(b["parameters"]["retry_after"] == 1 for s, b in statuses if s == 429)


async def test_fake_clock_for_limits() -> None:
    now = [100.0]
    tg = FakeTelegram(monotonic=lambda: now[0])
    tg.limits = Limits(enabled=True, private_per_second=1, private_burst=1)
    async with tg, aiohttp.ClientSession() as http:
        alice = tg.add_user("王阿姨")
        for _ in range(10):
            assert (await call(http, tg, "sendMessage", chat_id=alice.id, text="x"))[0] == 200
            now[0] += 1.0
        assert (await call(http, tg, "sendMessage", chat_id=alice.id, text="x"))[0] == 200
        assert (await call(http, tg, "sendMessage", chat_id=alice.id, text="x"))[0] == 429


async def test_injected_faults(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    alice = tg.add_user("王阿姨")
    tg.inject_error(502, count=2)
    assert await error(http, tg, "sendMessage", chat_id=alice.id, text="1") == (502, "Bad Gateway")
    await ok(http, tg, "getMe")  # method=None: only methods that post into a chat
    assert (await call(http, tg, "sendMessage", chat_id=alice.id, text="2"))[0] == 502
    await ok(http, tg, "sendMessage", chat_id=alice.id, text="3")
    tg.inject_error(500, method="getChat", description="Internal Server Error: restart")
    assert await error(http, tg, "getChat", chat_id=alice.id) == (
        500, "Internal Server Error: restart")
    tg.inject_disconnect()
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await call(http, tg, "sendMessage", chat_id=alice.id, text="4")
    tg.inject_timeout(delay=5, deliver=True)
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.3):
            await call(http, tg, "sendMessage", chat_id=alice.id, text="5")
    assert [s.text for s in tg.sent] == ["3", "5"]  # the lost response still delivered
    tg.storm_429(seconds=0.3, retry_after=2)
    assert (await call(http, tg, "sendMessage", chat_id=alice.id, text="6"))[1]["parameters"] == {
        "retry_after": 2}
    await asyncio.sleep(0.35)
    await ok(http, tg, "sendMessage", chat_id=alice.id, text="7")
    await tg.wait_for(lambda: any(c.fault == "timeout" for c in tg.calls))
    faults = [c.fault for c in tg.calls if c.fault]
    assert faults == ["error", "error", "error", "disconnect", "timeout", "storm"]
    assert tg.stats["5xx_injected"] == 3 and tg.stats["429_storm"] == 1


# ---------------------------------------------------------------------- people, polls, events


async def test_groups_members_and_privacy(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    alice, bob, carol = tg.add_user("王阿姨"), tg.add_user("李师傅"), tg.add_user("张三")
    group = tg.add_group("社区工作群", members=[alice, bob], admins=[bob])
    assert group.id < -1_000_000_000_000 and group.type == "supergroup"

    async def status(user_id: int) -> str:
        return (await ok(http, tg, "getChatMember", chat_id=group.id, user_id=user_id))["status"]

    assert [await status(u.id) for u in (alice, bob, carol, tg.bot_user)] == [
        "creator", "administrator", "left", "member"]
    tg.add_member(group, carol)
    assert await status(carol.id) == "member"
    tg.remove_member(group, carol)
    assert await status(carol.id) == "left"
    with pytest.raises(ValueError, match="not a member"):
        tg.send_text(carol, "hi", chat=group)
    assert (await error(http, tg, "getChatMember", chat_id=group.id, user_id=5))[1] == (
        "Bad Request: user not found")
    tg.group_privacy = True
    tg.send_text(alice, "闲聊", chat=group)
    tg.send_text(alice, "/help@minhu_test_bot", chat=group)
    tg.send_text(alice, "/help@other_bot", chat=group)
    kinds = [u.get("message", {}).get("text") for u in tg.updates if "message" in u]
    assert kinds == ["/help@minhu_test_bot"]
    assert len(tg.chat_history(group)) == 3


async def test_polls_votes_and_closing(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    alice, bob = tg.add_user("王阿姨"), tg.add_user("李师傅")
    group = tg.add_group("楼长群", members=[alice, bob])
    msg = await ok(http, tg, "sendPoll", chat_id=group.id, question="周六开会?",
                   options=["去", {"text": "不去"}], is_anonymous=False)
    poll = msg["poll"]
    assert poll["options"][1] == {"persistent_id": "1", "text": "不去", "voter_count": 0}
    assert not poll["is_closed"] and poll["type"] == "regular"
    tg.answer_poll(alice, msg, [0])
    tg.answer_poll(bob, poll["id"], [1])
    tg.answer_poll(bob, msg, [0])  # changed their mind
    current = tg.message(group.id, msg["message_id"])["poll"]
    assert [o["voter_count"] for o in current["options"]] == [2, 0]
    assert current["total_voter_count"] == 2
    answers = [u["poll_answer"] for u in tg.updates if "poll_answer" in u]
    assert [(a["user"]["first_name"], a["option_ids"]) for a in answers] == [
        ("王阿姨", [0]), ("李师傅", [1]), ("李师傅", [0])]
    stopped = await ok(http, tg, "stopPoll", chat_id=group.id, message_id=msg["message_id"])
    assert stopped["is_closed"] and stopped["total_voter_count"] == 2
    with pytest.raises(ValueError, match="closed"):
        tg.answer_poll(alice, msg, [1])
    assert (await error(http, tg, "stopPoll", chat_id=group.id, message_id=msg["message_id"]))[
        1] == "Bad Request: poll has already been closed"


async def test_commands_by_scope_and_language(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    group = tg.add_group("工作群", members=[tg.add_user("王阿姨")])
    cmds = [{"command": "start", "description": "开始"}]
    await ok(http, tg, "setMyCommands", commands=cmds)
    await ok(http, tg, "setMyCommands", commands=cmds, language_code="en")
    await ok(http, tg, "setMyCommands", commands=[{"command": "ticket", "description": "工单"}],
             scope={"type": "chat", "chat_id": group.id})
    assert tg.my_commands[("default", "")] == cmds
    assert tg.commands_for({"type": "chat", "chat_id": group.id})[0]["command"] == "ticket"
    assert await ok(http, tg, "getMyCommands", language_code="en") == cmds
    assert await ok(http, tg, "getMyCommands", scope={"type": "all_group_chats"}) == []
    await ok(http, tg, "deleteMyCommands", language_code="en")
    assert ("default", "en") not in tg.my_commands
    assert (await error(http, tg, "setMyCommands", commands=[
        {"command": "Bad Cmd", "description": "x"}]))[1] == "Bad Request: BOT_COMMAND_INVALID"


async def test_wait_helpers_and_events(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    alice = tg.add_user("王阿姨")
    events: list[dict[str, Any]] = []
    tg.subscribe(events.append)
    waiter = asyncio.ensure_future(tg.wait_for_sent(chat_id=alice.id, text_contains="工单"))
    tg.send_text(alice, "报修")
    await ok(http, tg, "sendMessage", chat_id=alice.id, text="请稍等")
    await ok(http, tg, "sendMessage", chat_id=alice.id, text="工单 #12 已登记")
    found = await waiter
    assert found.index == 1 and found.method == "sendMessage"
    call = await tg.wait_for_call("sendMessage", lambda c: "#12" in c.params["text"])
    assert call.ok and call.result["text"] == "工单 #12 已登记"
    with pytest.raises(TimeoutError, match="请稍等"):  # the dump lists recent sends
        await tg.wait_for_sent(text_contains="never", timeout=0.05)
    assert [(e["type"], e["from_bot"]) for e in events] == [
        ("message", False), ("message", True), ("message", True)]
    tg.unsubscribe(events.append)
    tg.send_text(alice, "再见")
    assert len(events) == 3


def test_markdown_v2_and_legacy_markdown() -> None:
    from bot.fake_telegram.markup import parse_markdown, parse_markdown_v2

    text, entities = parse_markdown_v2(r"*工单* _\#12_ 已登记\. 详情 [点这里](https://e.org/t?id=12)")
    assert text == "工单 #12 已登记. 详情 点这里"
    assert [(e["type"], e["offset"], e["length"]) for e in entities] == [
        ("bold", 0, 2), ("italic", 3, 3), ("text_link", 15, 3)]
    with pytest.raises(HtmlParseError, match=r"Character '\.' is reserved"):
        parse_markdown_v2("已登记.")
    with pytest.raises(HtmlParseError, match="Can't find end of Bold entity at byte offset 0"):
        parse_markdown_v2("*没关")
    assert parse_markdown("*粗* a.b")[0] == "粗 a.b"  # legacy: no reserved characters
    with pytest.raises(HtmlParseError, match="Can't find end of the entity"):
        parse_markdown("*没关")


async def test_parse_modes_over_http(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    alice = tg.add_user("王阿姨")
    msg = await ok(http, tg, "sendMessage", chat_id=alice.id, text=r"*好* 1\.5", parse_mode="MarkdownV2")
    assert msg["text"] == "好 1.5" and msg["entities"][0]["type"] == "bold"
    assert tg.sent[0].html == "<b>好</b> 1.5"
    _, desc = await error(http, tg, "sendMessage", chat_id=alice.id, text="1.5",
                               parse_mode="MarkdownV2")
    assert desc == ("Bad Request: can't parse entities: Character '.' is reserved and must be "
                    "escaped with the preceding '\\'")
    plain = await ok(http, tg, "sendMessage", chat_id=alice.id, text="a < b & /help")
    assert plain["entities"] == [{"offset": 8, "length": 5, "type": "bot_command"}]
    assert tg.sent[1].html == "a &lt; b &amp; /help"


async def test_media_groups_captions_and_forwards(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    alice, bob = tg.add_user("王阿姨"), tg.add_user("李师傅")
    staff = tg.add_group("工作群", members=[bob])
    p1, p2 = tg.send_album(alice, 2, caption="两张")
    group = await ok(http, tg, "sendMediaGroup", chat_id=staff.id, media=[
        {"type": "photo", "media": p1["photo"][-1]["file_id"], "caption": "<b>一</b>",
         "parse_mode": "HTML"},
        {"type": "photo", "media": p2["photo"][-1]["file_id"]},
    ])
    assert len(group) == 2 and group[0]["media_group_id"] == group[1]["media_group_id"]
    assert group[0]["caption"] == "一" and "caption" not in group[1]
    edited = await ok(http, tg, "editMessageCaption", chat_id=staff.id,
                      message_id=group[1]["message_id"], caption="二")
    assert edited["caption"] == "二"
    fwd = await ok(http, tg, "forwardMessage", chat_id=staff.id, from_chat_id=alice.id,
                   message_id=p1["message_id"])
    assert fwd["forward_origin"] == {"type": "user", "date": p1["date"], "sender_user": p1["from"]}
    assert fwd["photo"] == p1["photo"] and fwd["from"]["id"] == tg.bot_user.id
    assert (await error(http, tg, "editMessageText", chat_id=staff.id,
                        message_id=fwd["message_id"], text="x"))[1] == (
        "Bad Request: message can't be edited")
    text = tg.send_text(alice, "原文 /start")
    copy = await ok(http, tg, "copyMessage", chat_id=staff.id, from_chat_id=alice.id,
                    message_id=text["message_id"])
    copied = tg.message(staff.id, copy["message_id"])
    assert copied["text"] == "原文 /start" and copied["entities"] == text["entities"]
    assert "forward_origin" not in copied
    assert (await error(http, tg, "copyMessage", chat_id=staff.id, from_chat_id=alice.id,
                        message_id=99))[1] == "Bad Request: message to copy not found"
    doc = await ok(http, tg, "sendDocument", chat_id=alice.id,
                   document=tg.send_document(alice, "a.pdf")["document"]["file_id"])
    assert doc["document"]["file_name"] == "a.pdf"
    assert (await error(http, tg, "sendDocument", chat_id=alice.id,
                        document=p1["photo"][-1]["file_id"]))[1] == (
        "Bad Request: can't use file of type Photo as Document")


async def test_wait_idle_and_async_subscribers(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    alice = tg.add_user("王阿姨")
    seen: list[str] = []

    async def on_event(event: dict[str, Any]) -> None:
        await asyncio.sleep(0)
        seen.append(event["type"])

    tg.subscribe(on_event)
    tg.send_text(alice, "一")
    with pytest.raises(TimeoutError, match="1 updates pending"):
        await tg.wait_idle(timeout=0.05)
    [update] = await ok(http, tg, "getUpdates")
    await ok(http, tg, "getUpdates", offset=update["update_id"] + 1)
    await tg.wait_idle(quiet=0.01)
    assert seen == ["message"]
    assert tg.stats["updates_delivered"] == 1


async def test_clock_sets_message_dates(http: aiohttp.ClientSession) -> None:
    from datetime import UTC, datetime

    fixed = datetime(2025, 1, 29, 8, 0, tzinfo=UTC)  # 春节
    async with FakeTelegram(clock=lambda: fixed) as tg:
        alice = tg.add_user("王阿姨")
        assert tg.send_text(alice, "新年好")["date"] == int(fixed.timestamp())
        msg = await ok(http, tg, "sendMessage", chat_id=alice.id, text="新年好")
        assert msg["date"] == int(fixed.timestamp())


async def test_runs_standalone() -> None:
    import sys

    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.fake_telegram", "--port", "0", "--user", "王阿姨",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        first = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        assert first.startswith("fake Telegram Bot API at http://127.0.0.1:")
        url = first.split()[5]
        async with aiohttp.ClientSession() as http, http.get(
            f"{url}/bot123456:TEST-token/getMe"
        ) as resp:
            assert (await resp.json())["result"]["username"] == "minhu_test_bot"
    finally:
        proc.terminate()
        await proc.wait()


async def test_events_are_plain_json_for_a_web_page(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    events: list[dict[str, Any]] = []
    tg.subscribe(events.append)
    alice, bob = tg.add_user("王阿姨"), tg.add_user("李师傅")
    group = tg.add_group("楼长群", members=[alice, bob])
    tg.send_text(alice, "你好")
    msg = await ok(http, tg, "sendMessage", chat_id=alice.id, text="<b>选</b>", parse_mode="HTML",
                   reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]})
    qid = tg.press(alice, msg, "a")
    await ok(http, tg, "answerCallbackQuery", callback_query_id=qid)
    await ok(http, tg, "editMessageText", chat_id=alice.id, message_id=msg["message_id"], text="好")
    await ok(http, tg, "sendChatAction", chat_id=alice.id, action="typing")
    poll = await ok(http, tg, "sendPoll", chat_id=group.id, question="?", options=["1", "2"])
    tg.answer_poll(bob, poll, [0])
    await ok(http, tg, "stopPoll", chat_id=group.id, message_id=poll["message_id"])
    await ok(http, tg, "sendMessage", chat_id=alice.id, text="kb",
             reply_markup={"keyboard": [[{"text": "分享电话", "request_contact": True}]]})
    await ok(http, tg, "deleteMessage", chat_id=alice.id, message_id=msg["message_id"])
    await ok(http, tg, "setMyCommands", commands=[{"command": "start", "description": "开始"}])
    tg.block_bot(alice)
    json.dumps(events, ensure_ascii=False)  # no Python objects leak into events
    assert [e["type"] for e in events] == [
        "message", "message", "callback_query", "callback_answered", "edited", "chat_action",
        "message", "poll_updated", "poll_stopped", "reply_keyboard", "message", "deleted",
        "commands", "blocked"]
    edited = events[4]
    assert edited["html"] == "好" and edited["from_bot"] and edited["sent_index"] == 0
    assert events[0]["html"] == "你好" and not events[0]["from_bot"]
    assert tg.message_html(tg.sent[0]) == "好"
    user_link = tg.send_text(alice, "看 https://e.org <b>")
    assert tg.message_html(user_link) == "看 https://e.org &lt;b&gt;"


async def test_tapping_reply_keyboard_buttons(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    alice = tg.add_user("王阿姨", last_name="丽")
    await ok(http, tg, "sendMessage", chat_id=alice.id, text="请选择", reply_markup={
        "keyboard": [[{"text": "分享电话", "request_contact": True}, "报修"]],
        "one_time_keyboard": True,
    })
    contact = tg.tap_keyboard(alice, "分享电话", phone_number="+8613911112222")
    assert contact["contact"] == {"phone_number": "+8613911112222", "first_name": "王阿姨",
                                  "user_id": alice.id, "last_name": "丽"}
    assert tg.reply_keyboards[alice.id] is None  # one-time keyboard hidden
    with pytest.raises(ValueError, match="no reply keyboard"):
        tg.tap_keyboard(alice, "报修")
    await ok(http, tg, "sendMessage", chat_id=alice.id, text="再选", reply_markup={
        "keyboard": [["报修"]]})
    assert tg.tap_keyboard(alice, "报修")["text"] == "报修"


async def test_bot_cannot_start_a_conversation(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    shy = tg.add_user("赵大爷", started=False)
    assert await error(http, tg, "sendMessage", chat_id=shy.id, text="您好") == (
        403, "Forbidden: bot can't initiate conversation with a user")
    tg.send_text(shy, "/start")
    await ok(http, tg, "sendMessage", chat_id=shy.id, text="您好")


async def test_kinds_the_bot_did_not_ask_for_are_not_kept_waiting(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    alice = tg.add_user("王阿姨")
    await ok(http, tg, "getUpdates", allowed_updates=["message"])
    poll = await ok(http, tg, "sendPoll", chat_id=alice.id, question="满意吗", options=["是", "否"], is_anonymous=False)
    tg.answer_poll(alice, poll, [0])  # queues poll_answer and poll: neither was asked for
    tg.send_text(alice, "你好")
    updates = await ok(http, tg, "getUpdates")
    assert [next(k for k in u if k != "update_id") for u in updates] == ["message"]
    assert tg.pending_update_count == 1
