"""Who lives in the sandbox: sample people of a neighbourhood, made up for the demonstration.

Residents and volunteers each have a private chat with the bot; staff share the group.
The first of each list is the one the page shows first.
"""

from __future__ import annotations

from dataclasses import dataclass

GROUP_TITLE = "幸福里社区工作群"
BOT_NAME = "幸福里社区服务中心"
BOT_USERNAME = "minhu_sandbox_bot"
HERE = (31.2286, 121.4450)  # where the made-up neighbourhood is: locations sent from the page


@dataclass(frozen=True)
class Role:
    name: str  # the whole name in first_name, as most Chinese users fill in their profile
    note: str = ""  # shown next to the name in the page's picker
    username: str | None = None


RESIDENTS = (
    Role("王秀英", "3幢，独居老人"),
    Role("李建国", "5幢，退休工人"),
    Role("陈静", "8幢，年轻妈妈", "chenjing_88"),
)
# Neighbours who appear only in the seeded week (their chats can still be opened).
NEIGHBOURS = (
    Role("周桂兰", "2幢"),
    Role("孙志强", "6幢"),
    Role("吴海燕", "1幢"),
)
STAFF = (
    Role("李明", "社工", "liming_sg"),
    Role("赵芳", "中心主任"),
)
VOLUNTEERS = (
    Role("张伟", "大学生"),
    Role("刘洋", "退休教师"),
)
