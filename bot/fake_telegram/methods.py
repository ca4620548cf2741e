"""The Bot API methods the fake server answers, as a mixin of FakeTelegram.

Each ``api_<methodName>(params, uploads)`` returns the ``result`` of a successful call or
raises ApiError. Stored messages are copy-on-write at the top level: an edit replaces keys of
the live dict and never mutates a nested value, so a shallow ``dict(msg)`` is a snapshot.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING, Any

from .markup import (
    HtmlParseError,
    detect_entities,
    merge_entities,
    parse_html,
    parse_markdown,
    parse_markdown_v2,
    to_html,
    utf16_len,
)
from .models import ApiError, FakeChat, SentMessage, bad_request, forbidden

if TYPE_CHECKING:
    from .server import FakeTelegram

# Methods that post into a chat: flood limits and faults with method=None apply to these.
LIMITED_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendAudio",
        "sendVoice",
        "sendVideo",
        "sendAnimation",
        "sendSticker",
        "sendVideoNote",
        "sendMediaGroup",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "sendDice",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "editMessageMedia",
        "stopPoll",
    }
)

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
CONTENT_KEYS = (
    "text",
    "entities",
    "photo",
    "document",
    "audio",
    "voice",
    "video",
    "animation",
    "sticker",
    "video_note",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
    "caption",
    "caption_entities",
    "has_media_spoiler",
    "show_caption_above_media",
)
MEDIA_KINDS = ("photo", "document", "audio", "voice", "video", "animation", "sticker", "video_note")
CAPTION_KINDS = ("photo", "document", "audio", "voice", "video", "animation")
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_PARSERS = {"html": parse_html, "markdownv2": parse_markdown_v2, "markdown": parse_markdown}
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_send_welcome_messages": False,
    "can_pin_messages": True,
    "can_manage_topics": False,
}


_RESTRICTED_FLAGS = (
    "can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos",
    "can_send_videos", "can_send_video_notes", "can_send_voice_notes", "can_send_polls",
    "can_send_other_messages", "can_add_web_page_previews", "can_react_to_messages",
    "can_edit_tag", "can_change_info", "can_invite_users", "can_pin_messages",
    "can_manage_topics",
)


def member_shape(user: dict[str, Any], status: str) -> dict[str, Any]:
    """A ChatMember object of the given status."""
    data: dict[str, Any] = {"status": status, "user": user}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update(_ADMIN_RIGHTS)
    elif status == "kicked":
        data["until_date"] = 0
    elif status == "restricted":
        data.update({"is_member": True, "until_date": 0})
        data.update({flag: False for flag in _RESTRICTED_FLAGS})
    return data


class BotApiMethods:
    """Mixin: needs the state attributes FakeTelegram.__init__ sets."""

    # ================================================================== helpers

    def _chat_or_none(self: FakeTelegram, chat_id: Any) -> FakeChat | None:
        if isinstance(chat_id, str):
            text = chat_id.strip()
            if text.startswith("@"):
                name = text[1:].lower()
                for chat in self.chats.values():
                    if chat.type != "private" and (chat.username or "").lower() == name:
                        return chat
                return None
            if text.lstrip("-").isdigit():
                chat_id = int(text)
            else:
                return None
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            return None
        chat = self.chats.get(chat_id)
        if chat is None and chat_id in self.users and chat_id != self.bot_user.id:
            chat = self.private_chat(self.users[chat_id])
        return chat

    def _resolve_chat(self: FakeTelegram, chat_id: Any) -> FakeChat:
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        chat = self._chat_or_none(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _check_can_post(self: FakeTelegram, chat: FakeChat) -> None:
        if chat.type == "private":
            if chat.id in self._blocked:
                raise forbidden("bot was blocked by the user")
            if chat.id in self._not_started:
                raise forbidden("bot can't initiate conversation with a user")
            user = self.users.get(chat.id)
            if user is not None and user.is_bot:
                raise forbidden("bot can't send messages to bots")
            return
        status = self._members.get(chat.id, {}).get(self.bot_user.id, "left")
        if status == "kicked":
            raise forbidden(f"bot was kicked from the {chat.type} chat")
        if status == "left":
            raise forbidden(f"bot is not a member of the {chat.type} chat")

    def _new_message_id(self: FakeTelegram, chat_id: int) -> int:
        mid = self._next_mid.get(chat_id, 1)
        self._next_mid[chat_id] = mid + 1
        return mid

    def _store(self: FakeTelegram, msg: dict[str, Any]) -> None:
        self._messages.setdefault(msg["chat"]["id"], {})[msg["message_id"]] = msg

    def _find_message(self: FakeTelegram, chat_id: int, message_id: Any) -> dict[str, Any] | None:
        if isinstance(message_id, str) and message_id.isdigit():
            message_id = int(message_id)
        if not isinstance(message_id, int):
            return None
        return self._messages.get(chat_id, {}).get(message_id)

    def _format(
        self: FakeTelegram,
        text: Any,
        p: dict[str, Any],
        *,
        entities_key: str = "entities",
        mode_key: str = "parse_mode",
    ) -> tuple[str, list[dict[str, Any]], str]:
        """Apply parse_mode/entities: (plain text, entities, HTML for a web page)."""
        if text is None:
            text = ""
        if not isinstance(text, str):
            text = str(text)
        entities = p.get(entities_key)
        mode = p.get(mode_key)
        if isinstance(entities, list) and entities:
            return text, entities, to_html(text, entities)
        parser = _PARSERS.get(mode.lower()) if isinstance(mode, str) and mode else None
        if isinstance(mode, str) and mode and parser is None:
            raise bad_request(f"unsupported parse_mode {mode}")
        if parser is not None:
            try:
                plain, parsed = parser(text)
            except HtmlParseError as exc:
                raise bad_request(f"can't parse entities: {exc}") from exc
            html = text if parser is parse_html else to_html(plain, parsed)
            return plain, merge_entities(parsed, detect_entities(plain)), html
        auto = detect_entities(text)
        return text, auto, escape(text, quote=False)

    def _markup(
        self: FakeTelegram, p: dict[str, Any]
    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """(inline keyboard for the message JSON, other reply markup as sent)."""
        markup = p.get("reply_markup")
        if markup is None or markup == "":
            return None, None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request("can't parse inline keyboard button: InlineKeyboardButton expected")
            for row in rows:
                for button in row:
                    if not isinstance(button, dict) or not button.get("text"):
                        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
                    if "callback_data" in button:
                        data = button["callback_data"]
                        if not isinstance(data, str) or not 1 <= len(
                            data.encode("utf-8")
                        ) <= MAX_CALLBACK_DATA:
                            raise bad_request("BUTTON_DATA_INVALID")
                    elif len(button) == 1:
                        raise bad_request(
                            "can't parse inline keyboard button: Text buttons are unallowed "
                            "in the inline keyboard"
                        )
            return {"inline_keyboard": rows}, None
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request("can't parse reply keyboard markup JSON object")
            return None, markup
        if "remove_keyboard" in markup or "force_reply" in markup:
            return None, markup
        raise bad_request("can't parse reply keyboard markup JSON object")

    def _reply_fields(self: FakeTelegram, chat: FakeChat, p: dict[str, Any]) -> dict[str, Any]:
        rp = p.get("reply_parameters")
        if not isinstance(rp, dict):
            if p.get("reply_to_message_id") in (None, 0, ""):
                return {}
            rp = {
                "message_id": p["reply_to_message_id"],
                "allow_sending_without_reply": p.get("allow_sending_without_reply", False),
            }
        target_chat = chat
        if rp.get("chat_id") not in (None, ""):
            target_chat = self._resolve_chat(rp["chat_id"])
        target = self._find_message(target_chat.id, rp.get("message_id"))
        if target is None:
            if rp.get("allow_sending_without_reply"):
                return {}
            raise bad_request("message to be replied not found")
        embedded = {k: v for k, v in target.items() if k != "reply_to_message"}
        if target_chat.id != chat.id:
            return {
                "external_reply": {
                    "origin": self._origin_of(target),
                    "chat": target["chat"],
                    "message_id": target["message_id"],
                }
            }
        fields: dict[str, Any] = {"reply_to_message": embedded}
        quote = rp.get("quote")
        if isinstance(quote, str) and quote:
            fields["quote"] = {"text": quote, "position": int(rp.get("quote_position") or 0),
                               "is_manual": True}
        return fields

    def _origin_of(self: FakeTelegram, msg: dict[str, Any]) -> dict[str, Any]:
        if "forward_origin" in msg:
            return msg["forward_origin"]
        if "from" in msg:
            return {"type": "user", "date": msg["date"], "sender_user": msg["from"]}
        return {"type": "chat", "date": msg["date"], "sender_chat": msg["chat"]}

    def _send(
        self: FakeTelegram,
        method: str,
        chat: FakeChat,
        content: dict[str, Any],
        p: dict[str, Any],
        *,
        html: str | None = None,
        check_markup: bool = True,
        extra: dict[str, Any] | None = None,
    ) -> SentMessage:
        """Create a message from the bot in ``chat`` and record it."""
        self._check_can_post(chat)
        inline, other = self._markup(p) if check_markup else (None, None)
        reply = self._reply_fields(chat, p)
        msg: dict[str, Any] = {
            "message_id": self._new_message_id(chat.id),
            "from": self.bot_user.as_dict(),
            "chat": chat.as_dict(),
            "date": self._now_ts(),
        }
        msg.update(reply)
        if extra:
            msg.update(extra)
        msg.update(content)
        if inline is not None:
            msg["reply_markup"] = inline
        if p.get("protect_content"):
            msg["has_protected_content"] = True
        self._store(msg)
        sent = SentMessage(
            index=len(self.sent), method=method, message=msg, params=p, html=html,
            sent_markup=other,
        )
        self.sent.append(sent)
        self._sent_by_key[(chat.id, msg["message_id"])] = sent
        self.stats["messages_sent"] += 1
        if other is not None:
            if "keyboard" in other:
                self.reply_keyboards[chat.id] = other
            elif "remove_keyboard" in other:
                self.reply_keyboards[chat.id] = None
            self._emit({"type": "reply_keyboard", "chat_id": chat.id,
                        "markup": self.reply_keyboards.get(chat.id)})
        self._emit(
            {
                "type": "message",
                "chat_id": chat.id,
                "message_id": msg["message_id"],
                "from_bot": True,
                "method": method,
                "message": dict(msg),
                "html": html,
                "sent_index": sent.index,
            }
        )
        return sent

    def _caption(
        self: FakeTelegram, p: dict[str, Any]
    ) -> tuple[dict[str, Any], str | None]:
        caption = p.get("caption")
        if caption in (None, ""):
            return {}, None
        text, entities, html = self._format(
            caption, p, entities_key="caption_entities", mode_key="parse_mode"
        )
        if utf16_len(text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        fields: dict[str, Any] = {"caption": text}
        if entities:
            fields["caption_entities"] = entities
        if p.get("show_caption_above_media"):
            fields["show_caption_above_media"] = True
        return fields, html

    def _input_file(
        self: FakeTelegram, kind: str, p: dict[str, Any], files: dict[str, Any], key: str | None = None
    ) -> Any:
        """The media object (a PhotoSize list for photos) for a file_id, URL or upload."""
        key = key or kind
        value = p.get(key)
        upload = None
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value[len("attach://") :])
            if upload is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
        elif key in files:
            upload = files[key]
        if upload is not None:
            if kind == "photo":
                return self.files.photo_sizes(upload.data)
            ctype = upload.content_type
            if ctype in ("", "application/octet-stream"):
                ctype = None
            return self.files.media_object(
                kind, upload.data, file_name=upload.filename, mime_type=ctype,
                duration=p.get("duration"), width=p.get("width"), height=p.get("height"),
            )
        if not isinstance(value, str) or not value:
            raise bad_request(f"there is no {kind} in the request")
        if value.startswith(("http://", "https://")):
            if kind == "photo":
                return self.files.photo_sizes(None, url=value)
            name = value.rsplit("/", 1)[-1] or None
            return self.files.media_object(kind, None, file_name=name, url=value)
        stored = self.files.get(value)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(
                f"can't use file of type {stored.kind.replace('_', ' ').title()} as "
                f"{kind.replace('_', ' ').title()}"
            )
        return stored.media

    def _send_media(
        self: FakeTelegram, method: str, kind: str, p: dict[str, Any], files: dict[str, Any]
    ) -> dict[str, Any]:
        chat = self._resolve_chat(p.get("chat_id"))
        self._check_can_post(chat)
        media = self._input_file(kind, p, files)
        content: dict[str, Any] = {kind: media}
        html = None
        if kind in CAPTION_KINDS:
            fields, html = self._caption(p)
            content.update(fields)
        if p.get("has_spoiler"):
            content["has_media_spoiler"] = True
        if kind == "sticker" and p.get("emoji"):
            content["sticker"] = {**media, "emoji": p["emoji"]}
        return dict(self._send(method, chat, content, p, html=html).message)

    # ================================================================== bot and updates

    def api_getMe(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        return {
            **self.bot_user.as_dict(),
            "can_join_groups": True,
            "can_read_all_group_messages": not self.group_privacy,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def api_logOut(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        return True

    def api_close(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        return True

    def api_setWebhook(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        from .server import _Webhook

        url = p.get("url") or ""
        if p.get("drop_pending_updates"):
            self._pending.clear()
        if not url:
            self._set_webhook(None)
            return True
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad_request("bad webhook: secret token contains unallowed characters")
        allowed = p.get("allowed_updates")
        self._set_webhook(
            _Webhook(
                url=url,
                secret_token=str(secret) if secret else None,
                allowed_updates=list(allowed) if allowed else None,
                max_connections=int(p.get("max_connections") or 40),
            )
        )
        self._emit({"type": "webhook", "url": url})
        return True

    def api_deleteWebhook(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        if p.get("drop_pending_updates"):
            self._pending.clear()
        self._set_webhook(None)
        return True

    def api_getWebhookInfo(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        hook = self._webhook
        info: dict[str, Any] = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if hook:
            info["max_connections"] = hook.max_connections
            info["ip_address"] = "127.0.0.1"
            if hook.allowed_updates:
                info["allowed_updates"] = hook.allowed_updates
            if hook.last_error_date:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        return info

    # ================================================================== sending

    def api_sendMessage(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        chat = self._resolve_chat(p.get("chat_id"))
        self._check_can_post(chat)
        raw = p.get("text")
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raise bad_request("message text is empty")
        text, entities, html = self._format(raw, p)
        if not text.strip():
            raise bad_request("message text is empty")
        if utf16_len(text) > MAX_TEXT:
            raise bad_request("message is too long")
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        lpo = p.get("link_preview_options")
        if isinstance(lpo, dict) and lpo:
            content["link_preview_options"] = lpo
        elif p.get("disable_web_page_preview"):
            content["link_preview_options"] = {"is_disabled": True}
        return dict(self._send("sendMessage", chat, content, p, html=html).message)

    def api_sendPhoto(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        return self._send_media("sendPhoto", "photo", p, files)

    def api_sendDocument(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        return self._send_media("sendDocument", "document", p, files)

    def api_sendAudio(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        return self._send_media("sendAudio", "audio", p, files)

    def api_sendVoice(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        return self._send_media("sendVoice", "voice", p, files)

    def api_sendVideo(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        return self._send_media("sendVideo", "video", p, files)

    def api_sendAnimation(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        return self._send_media("sendAnimation", "animation", p, files)

    def api_sendSticker(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        return self._send_media("sendSticker", "sticker", p, files)

    def api_sendVideoNote(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        return self._send_media("sendVideoNote", "video_note", p, files)

    def api_sendMediaGroup(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        chat = self._resolve_chat(p.get("chat_id"))
        self._check_can_post(chat)
        media = p.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise bad_request("media group must contain 2-10 items")
        items = []
        for item in media:
            if not isinstance(item, dict) or item.get("type") not in (
                "photo", "video", "document", "audio"
            ):
                raise bad_request("wrong media type in media group")
            kind = item["type"]
            obj = self._input_file(kind, {**item, kind: item.get("media")}, files, key=kind)
            fields, html = self._caption(item)
            items.append(({kind: obj, **fields}, html))
        self._reply_fields(chat, p)  # validate before creating anything
        group_id = str(13_000_000_000_000_000 + len(self.sent))
        sent = []
        for content, html in items:
            msg = self._send(
                "sendMediaGroup", chat, content, {k: v for k, v in p.items() if k != "reply_markup"},
                html=html, extra={"media_group_id": group_id}, check_markup=False,
            )
            sent.append(dict(msg.message))
        return sent

    def api_sendLocation(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        chat = self._resolve_chat(p.get("chat_id"))
        lat, lon = p.get("latitude"), p.get("longitude")
        if not isinstance(lat, int | float) or not isinstance(lon, int | float):
            raise bad_request("wrong latitude or longitude")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise bad_request("wrong latitude or longitude")
        location: dict[str, Any] = {"latitude": float(lat), "longitude": float(lon)}
        if p.get("horizontal_accuracy") is not None:
            location["horizontal_accuracy"] = p["horizontal_accuracy"]
        if p.get("live_period"):
            location["live_period"] = p["live_period"]
        return dict(self._send("sendLocation", chat, {"location": location}, p).message)

    def api_sendVenue(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        chat = self._resolve_chat(p.get("chat_id"))
        if not p.get("title") or not p.get("address"):
            raise bad_request("venue title and address must be non-empty")
        location = {"latitude": float(p["latitude"]), "longitude": float(p["longitude"])}
        venue = {"location": location, "title": p["title"], "address": p["address"]}
        content = {"venue": venue, "location": location}
        return dict(self._send("sendVenue", chat, content, p).message)

    def api_sendContact(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        chat = self._resolve_chat(p.get("chat_id"))
        if not p.get("phone_number") or not p.get("first_name"):
            raise bad_request("phone number and first name must be non-empty")
        contact = {"phone_number": str(p["phone_number"]), "first_name": p["first_name"]}
        if p.get("last_name"):
            contact["last_name"] = p["last_name"]
        return dict(self._send("sendContact", chat, {"contact": contact}, p).message)

    def api_sendDice(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        chat = self._resolve_chat(p.get("chat_id"))
        emoji = p.get("emoji") or "🎲"
        dice = {"emoji": emoji, "value": (len(self.sent) % 6) + 1}
        return dict(self._send("sendDice", chat, {"dice": dice}, p).message)

    def api_sendChatAction(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        chat = self._resolve_chat(p.get("chat_id"))
        self._check_can_post(chat)
        action = p.get("action")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self._emit({"type": "chat_action", "chat_id": chat.id, "action": action})
        return True

    # ================================================================== copy and forward

    def _source(
        self: FakeTelegram, p: dict[str, Any], message_id: Any, what: str
    ) -> tuple[FakeChat, dict[str, Any]]:
        src_chat = self._chat_or_none(p.get("from_chat_id"))
        if src_chat is None:
            raise bad_request("chat not found")
        msg = self._find_message(src_chat.id, message_id)
        if msg is None:
            raise bad_request(f"message to {what} not found")
        if not any(k in msg for k in CONTENT_KEYS):
            raise bad_request(f"message can't be {what.replace('copy', 'copi')}ed")
        return src_chat, msg

    def _copy_one(
        self: FakeTelegram, chat: FakeChat, p: dict[str, Any], message_id: Any, with_markup: bool
    ) -> SentMessage:
        _, src = self._source(p, message_id, "copy")
        content = {k: src[k] for k in CONTENT_KEYS if k in src}
        html = None
        if "poll" in content:
            content["poll"] = self._new_poll_from(content["poll"])
        if "text" in content:
            html = to_html(content["text"], content.get("entities"))
        if "caption" in p and any(k in content for k in CAPTION_KINDS):
            content.pop("caption", None)
            content.pop("caption_entities", None)
            fields, html = self._caption(p)
            content.update(fields)
        elif "caption" in content:
            html = to_html(content["caption"], content.get("caption_entities"))
        params = p if with_markup else {k: v for k, v in p.items() if k != "reply_markup"}
        sent = self._send("copyMessage", chat, content, params, html=html)
        if "poll" in content:
            self._register_poll(sent.message)
        return sent

    def api_copyMessage(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        chat = self._resolve_chat(p.get("chat_id"))
        self._check_can_post(chat)
        sent = self._copy_one(chat, p, p.get("message_id"), with_markup=True)
        return {"message_id": sent.message_id}

    def api_copyMessages(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        chat = self._resolve_chat(p.get("chat_id"))
        self._check_can_post(chat)
        ids = p.get("message_ids")
        if not isinstance(ids, list) or not ids:
            raise bad_request("message identifiers are not specified")
        params = {k: v for k, v in p.items() if k not in ("caption", "reply_parameters")}
        return [
            {"message_id": self._copy_one(chat, params, mid, with_markup=False).message_id}
            for mid in sorted(ids)
        ]

    def _forward_one(
        self: FakeTelegram, chat: FakeChat, p: dict[str, Any], message_id: Any
    ) -> SentMessage:
        _, src = self._source(p, message_id, "forward")
        content = {k: src[k] for k in CONTENT_KEYS if k in src}
        content["forward_origin"] = self._origin_of(src)
        html = None
        if "text" in content:
            html = to_html(content["text"], content.get("entities"))
        elif "caption" in content:
            html = to_html(content["caption"], content.get("caption_entities"))
        params = {k: v for k, v in p.items() if k not in ("reply_markup", "reply_parameters")}
        return self._send("forwardMessage", chat, content, params, html=html)

    def api_forwardMessage(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        chat = self._resolve_chat(p.get("chat_id"))
        self._check_can_post(chat)
        return dict(self._forward_one(chat, p, p.get("message_id")).message)

    def api_forwardMessages(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        chat = self._resolve_chat(p.get("chat_id"))
        self._check_can_post(chat)
        ids = p.get("message_ids")
        if not isinstance(ids, list) or not ids:
            raise bad_request("message identifiers are not specified")
        return [
            {"message_id": self._forward_one(chat, p, mid).message_id} for mid in sorted(ids)
        ]

    # ================================================================== polls

    def _new_poll_id(self: FakeTelegram) -> str:
        self._poll_counter += 1
        return str(5_400_000_000_000_000_000 + self._poll_counter)

    def _new_poll_from(self: FakeTelegram, poll: dict[str, Any]) -> dict[str, Any]:
        return {
            **poll,
            "id": self._new_poll_id(),
            "options": [{**o, "voter_count": 0} for o in poll["options"]],
            "total_voter_count": 0,
            "is_closed": False,
        }

    def _register_poll(self: FakeTelegram, msg: dict[str, Any]) -> None:
        self._polls[msg["poll"]["id"]] = {
            "chat_id": msg["chat"]["id"],
            "message_id": msg["message_id"],
            "votes": {},
        }

    def api_sendPoll(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        chat = self._resolve_chat(p.get("chat_id"))
        self._check_can_post(chat)
        question_raw = p.get("question")
        if not isinstance(question_raw, str) or not question_raw.strip():
            raise bad_request("poll question must be non-empty")
        question, question_entities, _ = self._format(
            question_raw, p, entities_key="question_entities", mode_key="question_parse_mode"
        )
        if utf16_len(question) > 300:
            raise bad_request("poll question length must not exceed 300")
        raw_options = p.get("options")
        if not isinstance(raw_options, list):
            raise bad_request("options must be a JSON array")
        if len(raw_options) < 2:
            raise bad_request("poll must have at least 2 option")
        if len(raw_options) > 12:
            raise bad_request("poll can't have more than 12 options")
        options = []
        for i, raw in enumerate(raw_options):
            text = raw.get("text") if isinstance(raw, dict) else raw
            if not isinstance(text, str) or not text.strip():
                raise bad_request("poll options must be non-empty")
            opt_p = raw if isinstance(raw, dict) else {}
            text, ents, _ = self._format(
                text, opt_p, entities_key="text_entities", mode_key="text_parse_mode"
            )
            if utf16_len(text) > 100:
                raise bad_request("poll options length must not exceed 100")
            option: dict[str, Any] = {"persistent_id": str(i), "text": text, "voter_count": 0}
            if ents and any(e.get("type") == "custom_emoji" for e in ents):
                option["text_entities"] = ents
            options.append(option)
        kind = p.get("type") or "regular"
        if kind not in ("regular", "quiz"):
            raise bad_request("wrong poll type specified")
        poll: dict[str, Any] = {
            "id": self._new_poll_id(),
            "question": question,
            "options": options,
            "total_voter_count": 0,
            "is_closed": bool(p.get("is_closed", False)),
            "is_anonymous": bool(p.get("is_anonymous", True)),
            "type": kind,
            "allows_multiple_answers": bool(p.get("allows_multiple_answers", False)),
            "allows_revoting": bool(p.get("allows_revoting", kind == "regular")),
            "members_only": bool(p.get("members_only", False)),
        }
        if question_entities and any(e.get("type") == "custom_emoji" for e in question_entities):
            poll["question_entities"] = question_entities
        if kind == "quiz":
            correct = p.get("correct_option_ids")
            if correct is None and p.get("correct_option_id") is not None:
                correct = [p["correct_option_id"]]
            if not correct or any(not 0 <= int(c) < len(options) for c in correct):
                raise bad_request("wrong correct option ID specified")
            # correct_option_id is deprecated (PTB 22.8 warns on it): only the list form
            poll["correct_option_ids"] = [int(c) for c in correct]
            if p.get("explanation"):
                poll["explanation"] = p["explanation"]
        if p.get("open_period"):
            poll["open_period"] = p["open_period"]
        if p.get("close_date"):
            poll["close_date"] = p["close_date"]
        sent = self._send("sendPoll", chat, {"poll": poll}, p, html=escape(question, quote=False))
        self._register_poll(sent.message)
        return dict(sent.message)

    def api_stopPoll(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        chat = self._resolve_chat(p.get("chat_id"))
        msg = self._find_message(chat.id, p.get("message_id"))
        if msg is None or "poll" not in msg:
            raise bad_request("message with poll to stop not found")
        if msg["from"]["id"] != self.bot_user.id:
            raise bad_request("poll can't be stopped")
        if msg["poll"]["is_closed"]:
            raise bad_request("poll has already been closed")
        inline, _ = self._markup(p)
        sent = self._sent_by_key.get((chat.id, msg["message_id"]))
        if sent is not None:
            sent.edits.append(dict(msg))
        msg["poll"] = {**msg["poll"], "is_closed": True}
        if inline is not None:
            msg["reply_markup"] = inline
        self._emit(
            {
                "type": "poll_stopped",
                "chat_id": chat.id,
                "message_id": msg["message_id"],
                "poll": msg["poll"],
            }
        )
        if self.poll_updates:
            self._queue_update({"poll": msg["poll"]})
        return msg["poll"]

    # ================================================================== editing

    def _editable(
        self: FakeTelegram, p: dict[str, Any]
    ) -> tuple[FakeChat, dict[str, Any], SentMessage | None]:
        if p.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._resolve_chat(p.get("chat_id"))
        msg = self._find_message(chat.id, p.get("message_id"))
        if msg is None:
            raise bad_request("message to edit not found")
        if msg.get("from", {}).get("id") != self.bot_user.id or "forward_origin" in msg:
            raise bad_request("message can't be edited")
        return chat, msg, self._sent_by_key.get((chat.id, msg["message_id"]))

    def _apply_edit(
        self: FakeTelegram,
        chat: FakeChat,
        msg: dict[str, Any],
        sent: SentMessage | None,
        changes: dict[str, Any],
        html: str | None = None,
    ) -> dict[str, Any]:
        if sent is not None:
            sent.edits.append(dict(msg))
            if html is not None:
                sent.html = html
        for key, value in changes.items():
            if value is None or value == []:
                msg.pop(key, None)
            else:
                msg[key] = value
        msg["edit_date"] = self._now_ts()
        self.stats["messages_edited"] += 1
        self._emit(
            {
                "type": "edited",
                "chat_id": chat.id,
                "message_id": msg["message_id"],
                "from_bot": True,
                "message": dict(msg),
                "html": sent.html if sent is not None else html,
                "sent_index": sent.index if sent is not None else None,
            }
        )
        return dict(msg)

    def api_editMessageText(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        chat, msg, sent = self._editable(p)
        raw = p.get("text")
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raise bad_request("message text is empty")
        if "text" not in msg:
            raise bad_request("there is no text in the message to edit")
        text, entities, html = self._format(raw, p)
        if not text.strip():
            raise bad_request("message text is empty")
        if utf16_len(text) > MAX_TEXT:
            raise bad_request("message is too long")
        inline, other = self._markup(p)
        if other is not None:
            raise bad_request("inline keyboard expected")
        if (
            text == msg.get("text")
            and entities == msg.get("entities", [])
            and inline == msg.get("reply_markup")
        ):
            raise bad_request(_NOT_MODIFIED)
        changes: dict[str, Any] = {"text": text, "entities": entities, "reply_markup": inline}
        lpo = p.get("link_preview_options")
        if isinstance(lpo, dict) and lpo:
            changes["link_preview_options"] = lpo
        return self._apply_edit(chat, msg, sent, changes, html)

    def api_editMessageCaption(
        self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]
    ) -> Any:
        chat, msg, sent = self._editable(p)
        if not any(k in msg for k in CAPTION_KINDS):
            raise bad_request("there is no caption in the message to edit")
        fields, html = self._caption(p)
        inline, other = self._markup(p)
        if other is not None:
            raise bad_request("inline keyboard expected")
        caption = fields.get("caption")
        entities = fields.get("caption_entities", [])
        if (
            caption == msg.get("caption")
            and entities == msg.get("caption_entities", [])
            and inline == msg.get("reply_markup")
        ):
            raise bad_request(_NOT_MODIFIED)
        changes = {"caption": caption, "caption_entities": entities, "reply_markup": inline}
        return self._apply_edit(chat, msg, sent, changes, html)

    def api_editMessageReplyMarkup(
        self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]
    ) -> Any:
        chat, msg, sent = self._editable(p)
        inline, other = self._markup(p)
        if other is not None:
            raise bad_request("inline keyboard expected")
        if inline == msg.get("reply_markup"):
            raise bad_request(_NOT_MODIFIED)
        return self._apply_edit(chat, msg, sent, {"reply_markup": inline})

    def api_editMessageMedia(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        chat, msg, sent = self._editable(p)
        media = p.get("media")
        if not isinstance(media, dict) or media.get("type") not in MEDIA_KINDS:
            raise bad_request("can't parse InputMedia JSON object")
        if not any(k in msg for k in MEDIA_KINDS):
            raise bad_request("there is no media in the message to edit")
        kind = media["type"]
        obj = self._input_file(kind, {**media, kind: media.get("media")}, files, key=kind)
        fields, html = self._caption(media)
        inline, _ = self._markup(p)
        changes: dict[str, Any] = {k: None for k in MEDIA_KINDS}
        changes.update({"caption": None, "caption_entities": None})
        changes.update({kind: obj, **fields, "reply_markup": inline})
        return self._apply_edit(chat, msg, sent, changes, html)

    def api_deleteMessage(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        chat = self._resolve_chat(p.get("chat_id"))
        self._delete(chat, p.get("message_id"))
        return True

    def api_deleteMessages(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        chat = self._resolve_chat(p.get("chat_id"))
        ids = p.get("message_ids")
        if not isinstance(ids, list) or not ids:
            raise bad_request("message identifiers are not specified")
        for mid in ids:
            if self._find_message(chat.id, mid) is not None:
                self._delete(chat, mid)
        return True

    def _delete(self: FakeTelegram, chat: FakeChat, message_id: Any) -> None:
        msg = self._find_message(chat.id, message_id)
        if msg is None:
            raise bad_request("message to delete not found")
        own = msg.get("from", {}).get("id") == self.bot_user.id
        if not own and chat.type != "private":
            status = self._members.get(chat.id, {}).get(self.bot_user.id)
            if status not in ("administrator", "creator"):
                raise bad_request("message can't be deleted")
        del self._messages[chat.id][msg["message_id"]]
        sent = self._sent_by_key.get((chat.id, msg["message_id"]))
        if sent is not None:
            sent.deleted = True
        self.stats["messages_deleted"] += 1
        self._emit({"type": "deleted", "chat_id": chat.id, "message_id": msg["message_id"]})

    # ================================================================== callbacks

    def api_answerCallbackQuery(
        self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]
    ) -> Any:
        qid = str(p.get("callback_query_id") or "")
        query = self._callback_queries.get(qid)
        if query is None or qid in self.callback_answers:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        text = p.get("text")
        if isinstance(text, str) and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self.callback_answers[qid] = dict(p)
        self._emit({"type": "callback_answered", "callback_query_id": qid, "params": dict(p),
                    "user_id": query["from"]["id"]})
        return True

    # ================================================================== commands and menus

    @staticmethod
    def scope_key(scope: Any) -> str:
        """A readable key for a BotCommandScope: "default", "all_private_chats", "chat:-100…"."""
        if isinstance(scope, str):
            return scope
        if not isinstance(scope, dict) or not scope:
            return "default"
        kind = str(scope.get("type", "default"))
        if kind in ("chat", "chat_administrators"):
            return f"{kind}:{scope.get('chat_id')}"
        if kind == "chat_member":
            return f"chat_member:{scope.get('chat_id')}:{scope.get('user_id')}"
        return kind

    def _scope(self: FakeTelegram, p: dict[str, Any]) -> tuple[str, str]:
        scope = p.get("scope")
        if isinstance(scope, dict) and scope.get("type") not in (
            None, "default", "all_private_chats", "all_group_chats", "all_chat_administrators",
            "chat", "chat_administrators", "chat_member",
        ):
            raise bad_request("wrong scope type specified")
        if isinstance(scope, dict) and scope.get("type", "").startswith("chat"):
            self._resolve_chat(scope.get("chat_id"))
        lang = p.get("language_code") or ""
        return self.scope_key(scope), str(lang)

    def api_setMyCommands(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        clean = []
        for cmd in commands:
            if not isinstance(cmd, dict):
                raise bad_request("can't parse BotCommand JSON object")
            name = str(cmd.get("command", ""))
            if not _COMMAND_RE.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            desc = str(cmd.get("description", ""))
            if not 1 <= len(desc) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": name, "description": desc})
        key = self._scope(p)
        if clean:
            self.my_commands[key] = clean
        else:
            self.my_commands.pop(key, None)
        self._emit({"type": "commands", "scope": key[0], "language_code": key[1],
                    "commands": clean})
        return True

    def api_getMyCommands(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        return list(self.my_commands.get(self._scope(p), []))

    def api_deleteMyCommands(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        key = self._scope(p)
        self.my_commands.pop(key, None)
        self._emit({"type": "commands", "scope": key[0], "language_code": key[1], "commands": []})
        return True

    def api_setChatMenuButton(
        self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]
    ) -> Any:
        chat_id = None
        if p.get("chat_id") not in (None, ""):
            chat = self._resolve_chat(p["chat_id"])
            if chat.type != "private":
                raise bad_request("chat must be private")
            chat_id = chat.id
        button = p.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default", "commands", "web_app"
        ):
            raise bad_request("can't parse menu button JSON object")
        self.menu_buttons[chat_id] = button
        return True

    def api_getChatMenuButton(
        self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]
    ) -> Any:
        chat_id = None
        if p.get("chat_id") not in (None, ""):
            chat_id = self._resolve_chat(p["chat_id"]).id
        return self.menu_buttons.get(chat_id) or self.menu_buttons.get(None) or {
            "type": "commands" if self.my_commands else "default"
        }

    def _bot_text(self: FakeTelegram, kind: str, p: dict[str, Any], key: str) -> Any:
        value = p.get(key) or ""
        self.bot_texts.setdefault(kind, {})[str(p.get("language_code") or "")] = str(value)
        return True

    def api_setMyDescription(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        return self._bot_text("description", p, "description")

    def api_getMyDescription(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        lang = str(p.get("language_code") or "")
        return {"description": self.bot_texts.get("description", {}).get(lang, "")}

    def api_setMyShortDescription(
        self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]
    ) -> Any:
        return self._bot_text("short_description", p, "short_description")

    def api_getMyShortDescription(
        self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]
    ) -> Any:
        lang = str(p.get("language_code") or "")
        return {"short_description": self.bot_texts.get("short_description", {}).get(lang, "")}

    def api_setMyName(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        return self._bot_text("name", p, "name")

    def api_getMyName(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        lang = str(p.get("language_code") or "")
        return {"name": self.bot_texts.get("name", {}).get(lang) or self.bot_user.first_name}

    # ================================================================== chats and members

    def api_getChat(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        chat = self._resolve_chat(p.get("chat_id"))
        info = chat.as_dict()
        info.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        )
        if chat.type != "private":
            info["permissions"] = {"can_send_messages": True, "can_send_photos": True,
                                   "can_send_polls": True, "can_invite_users": True}
        return info

    def _member_json(self: FakeTelegram, chat: FakeChat, user_id: int) -> dict[str, Any]:
        user = self.users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        if chat.type == "private":
            status = "member" if user_id in (chat.id, self.bot_user.id) else "left"
        else:
            status = self._members.get(chat.id, {}).get(user_id, "left")
        return member_shape(user.as_dict(), status)

    def api_getChatMember(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        chat = self._resolve_chat(p.get("chat_id"))
        user_id = p.get("user_id")
        if not isinstance(user_id, int):
            raise bad_request("user_id is empty" if user_id in (None, "") else "user not found")
        return self._member_json(chat, user_id)

    def api_getChatAdministrators(
        self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]
    ) -> Any:
        chat = self._resolve_chat(p.get("chat_id"))
        if chat.type == "private":
            raise bad_request("there are no administrators in the private chat")
        return [
            self._member_json(chat, uid)
            for uid, status in self._members.get(chat.id, {}).items()
            if status in ("creator", "administrator")
        ]

    def api_getChatMemberCount(
        self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]
    ) -> Any:
        chat = self._resolve_chat(p.get("chat_id"))
        if chat.type == "private":
            return 2
        return sum(
            1
            for s in self._members.get(chat.id, {}).values()
            if s in ("creator", "administrator", "member", "restricted")
        )

    def api_leaveChat(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        chat = self._resolve_chat(p.get("chat_id"))
        if chat.type == "private":
            raise bad_request("chat member status can't be changed in private chats")
        self._set_status(chat, self.bot_user, "left")
        return True

    def api_pinChatMessage(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        chat = self._resolve_chat(p.get("chat_id"))
        if self._find_message(chat.id, p.get("message_id")) is None:
            raise bad_request("message to pin not found")
        self._emit({"type": "pinned", "chat_id": chat.id, "message_id": p.get("message_id")})
        return True

    def api_unpinChatMessage(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        self._resolve_chat(p.get("chat_id"))
        return True

    def api_unpinAllChatMessages(
        self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]
    ) -> Any:
        self._resolve_chat(p.get("chat_id"))
        return True

    def api_setMessageReaction(
        self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]
    ) -> Any:
        chat = self._resolve_chat(p.get("chat_id"))
        if self._find_message(chat.id, p.get("message_id")) is None:
            raise bad_request("message to react not found")
        self._emit({"type": "reaction", "chat_id": chat.id, "message_id": p.get("message_id"),
                    "reaction": p.get("reaction") or []})
        return True

    def api_getUserProfilePhotos(
        self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]
    ) -> Any:
        if p.get("user_id") not in self.users:
            raise bad_request("user not found")
        return {"total_count": 0, "photos": []}

    # ================================================================== files

    def api_getFile(self: FakeTelegram, p: dict[str, Any], files: dict[str, Any]) -> Any:
        file_id = p.get("file_id")
        if not isinstance(file_id, str) or not file_id:
            raise bad_request("file_id is empty")
        stored = self.files.get(file_id)
        if stored is not None and stored.file_size > 20 * 1024 * 1024:
            raise bad_request("file is too big")
        return self.files.file_object(file_id)


__all__ = ["CONTENT_KEYS", "LIMITED_METHODS", "ApiError", "BotApiMethods"]
