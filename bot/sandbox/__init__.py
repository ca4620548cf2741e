"""`minhu sandbox`: the whole service in a browser, with no Telegram account and no token.

One process runs the fake Bot API server (bot.fake_telegram) with a cast of residents,
staff and volunteers, the real bot against it over real HTTP, a SQLite database, and a
local web page that shows three chats side by side (server.py, static/).
"""

from bot.sandbox.world import Sandbox, SandboxError

__all__ = ["Sandbox", "SandboxError"]
