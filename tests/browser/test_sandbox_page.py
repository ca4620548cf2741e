"""The sandbox page in a real browser: a resident reports, staff claim, reply and resolve,
the resident answers the poll, and each pane shows what Telegram would show."""

from __future__ import annotations

import html
import re
from typing import Any

import aiohttp
import pytest
from sqlmodel import col, select

from bot.fake_telegram.files import tiny_png
from bot.sandbox import cast
from bot.sandbox.world import TOKEN
from handlers.texts import has, t
from storage.tables import Ticket, TicketStatus
from tests.browser.conftest import PHONE, Browser, open_browser
from tests.support.sandbox import Page

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.async_api", reason="the browser tests need Playwright (pip install -e '.[test]')").expect


def plain(key: str, **values: object) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", t(key, **values)))


async def tickets(page: Page) -> list[Ticket]:
    sandbox = page.sandbox
    assert sandbox.bot is not None
    await sandbox.settle()
    async with sandbox.bot.db.session() as session:
        return list((await session.exec(select(Ticket).order_by(col(Ticket.id)))).all())


def message(pane: Any, text: str) -> Any:
    return pane.locator("li.msg", has_text=text)


@pytest.mark.parametrize("sandbox_page", ["ptb", "aiogram"], indirect=True)
async def test_report_claim_reply_resolve_and_the_residents_verdict(browser: Browser) -> None:
    resident, group = browser.pane("resident"), browser.pane("group")
    await expect(resident.locator(".chat-sub")).to_contain_text("王秀英")
    await expect(group.locator(".chat-name")).to_have_text(cast.GROUP_TITLE)

    # a new chat starts with the Start button, like Telegram; /start shows the big menu buttons
    await resident.locator(".start-btn").click()
    await expect(message(resident, "您好，王秀英")).to_be_visible()
    await expect(resident.locator(".reply-keyboard .key", has_text=t("menu.my"))).to_be_visible()
    await browser.shot("welcome")

    await browser.say("resident", "3幢电梯又坏了，困在家里下不了楼")
    await expect(message(resident, "3幢电梯又坏了").and_(resident.locator("li.out"))).to_be_visible()
    ack = message(resident, "工单号 #1")
    await expect(ack).to_be_visible()
    await expect(ack.locator(".body b")).to_have_text("#1")  # the bot's bold, drawn as bold
    card = message(group, "工单 #1 ·")
    await expect(card).to_contain_text("状态：待处理")
    await expect(card).to_contain_text("王秀英")
    card_id = await card.get_attribute("data-id")
    await browser.shot("reported")

    # staff claim from the card: the card is edited in place, the resident is told
    await card.get_by_role("button", name=t("button.claim")).click()
    await expect(group.locator(f'li.msg[data-id="{card_id}"]')).to_contain_text("处理人：李明")
    await expect(group.locator("li.msg", has_text="工单 #1 ·")).to_have_count(1)
    await expect(group.locator(".toast")).to_have_text(t("staff.done_claim", id=1))
    await expect(message(resident, plain("resident.claimed", id=1))).to_be_visible()

    # staff reply to the card; the words reach the resident
    await card.locator(".reply-btn").click()
    await expect(group.locator(".replying")).to_be_visible()
    await browser.say("group", "师傅下午两点到，请家里留人")
    await expect(message(group, "师傅下午两点到").locator(".quote")).to_contain_text("工单 #1")
    await expect(message(resident, "师傅下午两点到")).to_contain_text("#1")
    await browser.shot("replied")

    await card.get_by_role("button", name=t("button.resolve")).click()
    await expect(group.locator(f'li.msg[data-id="{card_id}"]')).to_contain_text(t("status.resolved"))
    await expect(message(resident, plain("resident.resolved", id=1))).to_be_visible()
    [ticket] = await tickets(browser.sandbox)
    assert ticket.status == TicketStatus.RESOLVED and ticket.assignee_name == "李明"
    await browser.shot("resolved")

    if not has("satisfaction.thanks"):
        pytest.skip("the satisfaction poll (issue 4) is not on this branch yet; the rest passed")
    poll = resident.locator("li.msg[data-kind=poll]")
    await expect(poll).to_be_visible()
    await poll.locator(".poll-option").first.click()
    await expect(poll.locator(".poll-result.mine")).to_have_count(1)
    await expect(message(resident, plain("satisfaction.thanks", id=1))).to_be_visible()
    await expect(group.locator(f'li.msg[data-id="{card_id}"]')).to_contain_text("评价")
    await browser.shot("rated")


async def test_each_resident_sees_only_their_chat_and_only_staff_can_act(browser: Browser) -> None:
    resident, group = browser.pane("resident"), browser.pane("group")
    sandbox = browser.sandbox.sandbox
    wang, li_jianguo = sandbox.residents[0], sandbox.residents[1]
    await browser.say("resident", "楼道灯坏了，晚上看不见")
    await expect(message(resident, "工单号 #1")).to_be_visible()
    card = message(group, "工单 #1 ·")
    await expect(card).to_be_visible()

    # another resident: his own, empty chat; /my from the command menu says he has none
    await resident.locator(".who-select").select_option(str(li_jianguo.id))
    await expect(resident.locator(".chat-sub")).to_contain_text("李建国")
    await expect(message(resident, "楼道灯坏了")).to_have_count(0)
    await resident.locator(".menu-btn").click()
    await resident.locator(".command-menu button", has_text="/my").click()
    await expect(message(resident, plain("my.none"))).to_be_visible()
    await browser.shot("other-resident")
    await resident.locator(".who-select").select_option(str(wang.id))
    await expect(message(resident, "楼道灯坏了")).to_be_visible()

    # a resident in the group's picker is outside the group: no writing, and a press is refused
    await group.locator(".who-select").select_option(str(wang.id))
    await expect(group.locator(".note")).to_contain_text("王秀英 不在工作群里")
    await expect(group.locator(".composer")).to_have_class(re.compile(r"\boff\b"))
    await card.get_by_role("button", name=t("button.claim")).click()
    await expect(group.locator(".alert-text")).to_have_text(t("refuse.staff_only"))
    await browser.shot("refused")
    await group.locator(".alert-ok").click()
    [ticket] = await tickets(browser.sandbox)
    assert ticket.status == TicketStatus.OPEN


async def test_photo_location_and_the_clock(browser: Browser) -> None:
    resident, group = browser.pane("resident"), browser.pane("group")
    await browser.say("resident", "楼上漏水，天花板一直在滴水")
    await expect(message(group, "工单 #1 ·")).to_be_visible()

    await resident.locator(".composer .text").fill("看照片")
    picture = tiny_png(64, 48, (40, 120, 200))
    await resident.locator(".photo-input").set_input_files({"name": "leak.png", "mimeType": "image/png", "buffer": picture})
    for pane in (resident, group):
        image = pane.locator("li.msg[data-kind=photo] img.photo").last
        await expect(image).to_be_visible()
        loaded = "img => img.complete ? img.naturalWidth : new Promise(done => { img.onload = () => done(img.naturalWidth); })"
        assert await image.evaluate(loaded) == 64  # the bytes sent, downloaded back
    await expect(group.locator("li.msg[data-kind=photo]")).to_contain_text(plain("staff.attachment_note", id=1, what=t("what.photo")))

    await resident.locator(".location-btn").click()
    place = group.locator("li.msg[data-kind=location]")
    await expect(place).to_contain_text(f"{cast.HERE[0]:.4f}")
    await expect(place.locator(".quote")).to_contain_text("工单 #1")  # under the card
    await browser.shot("photo-and-location")

    # the clock: +24 h moves the page's clock and what the bot does next a day on
    clock = browser.page.locator("#clock-now")
    before = await clock.text_content()
    plus_day = browser.page.locator(".clock-btn[data-hours='24']")
    await plus_day.click()
    await expect(plus_day).to_be_enabled()  # the jump has played out
    await expect(clock).not_to_have_text(before or "")
    await browser.say("resident", "/my")
    await expect(message(resident, "您的工单")).to_be_visible()
    days = resident.locator("li.day")
    await expect(days).to_have_count(2)  # the report's day, and the next day's /my
    await browser.shot("next-day")


async def test_a_poll_from_the_bot_is_drawn_and_answered(browser: Browser) -> None:
    resident = browser.pane("resident")
    sandbox = browser.sandbox.sandbox
    wang = sandbox.residents[0]
    async with aiohttp.ClientSession() as http:  # a poll as the bot sends it, through the Bot API
        params = {"chat_id": wang.id, "question": "这次服务您满意吗？", "options": '["满意","一般","不满意"]', "is_anonymous": "false"}
        async with http.post(f"{sandbox.tg.api_url}/bot{TOKEN}/sendPoll", data=params) as response:
            assert response.status == 200
    poll = resident.locator("li.msg[data-kind=poll]")
    await expect(poll.locator(".poll-question")).to_have_text("这次服务您满意吗？")
    await expect(poll.locator(".poll-option")).to_have_count(3)
    await poll.locator(".poll-option", has_text="一般").click()
    await expect(poll.locator(".poll-result.mine")).to_contain_text("一般")
    await expect(poll.locator(".poll-result.mine")).to_contain_text("100%")
    await expect(poll.locator(".poll-footer")).to_have_text(t("sandbox.page.votes", n=1))
    await browser.shot("poll")


async def test_a_phone_sized_window_shows_one_chat_at_a_time(chromium: Any, sandbox_page: Page, request: pytest.FixtureRequest) -> None:
    browser = await open_browser(chromium, sandbox_page, request, PHONE)
    page = browser.page
    resident, group = browser.pane("resident"), browser.pane("group")
    await expect(resident).to_be_visible()
    await expect(group).to_be_hidden()
    await browser.say("resident", "小区东门有人乱停车，堵住了消防通道")
    await expect(message(resident, "工单号 #1")).to_be_visible()
    await browser.shot("phone-resident")
    await page.locator(".tabs button", has_text=t("sandbox.page.pane_group")).click()
    await expect(group).to_be_visible()
    await expect(resident).to_be_hidden()
    card = message(group, "工单 #1 ·")
    await expect(card.get_by_role("button", name=t("button.claim"))).to_be_visible()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing sticks out sideways
    await browser.shot("phone-group")
    await page.context.close()
    assert browser.outside == [] and browser.errors == []


async def test_a_volunteer_applies_with_the_contact_button_is_approved_and_signs_up(browser: Browser) -> None:
    volunteer, group = browser.pane("volunteer"), browser.pane("group")
    await expect(volunteer.locator(".chat-sub")).to_contain_text("张伟")
    await volunteer.locator(".start-btn").click()
    await volunteer.locator(".reply-keyboard .key", has_text=t("menu.volunteer")).click()
    await expect(message(volunteer, plain("vol.apply.ask_name"))).to_be_visible()
    await browser.say("volunteer", "张伟")

    # the phone number comes from a reply-keyboard button that shares the contact
    phone_key = volunteer.locator(".reply-keyboard .key", has_text=t("vol.apply.phone_button"))
    await expect(phone_key).to_be_visible()
    await browser.shot("phone-button")
    await phone_key.click()
    await expect(volunteer.locator("li.msg.out[data-kind=contact]")).to_contain_text("+86")
    await expect(message(volunteer, plain("vol.apply.phone_ok"))).to_be_visible()

    # the area picker is edited in place as areas are ticked
    picker = message(volunteer, plain("vol.apply.ask_areas"))
    picker_id = await picker.get_attribute("data-id")
    await picker.get_by_role("button", name="养老助老").click()
    await expect(volunteer.locator(f'li.msg[data-id="{picker_id}"]').get_by_role("button", name="✅ 养老助老")).to_be_visible()
    await volunteer.locator(f'li.msg[data-id="{picker_id}"]').get_by_role("button", name=t("vol.button.areas_done")).click()
    await message(volunteer, plain("vol.apply.ask_free")).get_by_role("button", name=t("vol.free.weekend")).click()
    await expect(message(volunteer, plain("vol.apply.submitted"))).to_be_visible()

    # staff approve from the volunteer's card in the group, then put up a shift
    card = message(group, "张伟").filter(has=browser.page.get_by_role("button", name=t("vol.button.approve")))
    await card.get_by_role("button", name=t("vol.button.approve")).click()
    await expect(message(volunteer, "恭喜")).to_be_visible()
    await browser.say("group", "/newshift 明天 09:00-11:00 老年食堂助餐 3人 @二楼活动室")
    await expect(message(group, plain("vol.newshift.made"))).to_be_visible()

    await browser.say("volunteer", "/shifts")
    listing = message(volunteer, plain("vol.list.open_header"))
    await listing.get_by_role("button", name=t("vol.button.sign_n", id=1)).click()
    await expect(message(volunteer, plain("vol.sign.done"))).to_be_visible()
    await expect(volunteer.locator(".toast")).to_have_text(t("vol.sign.done_short", id=1))
    await browser.shot("signed-up")
