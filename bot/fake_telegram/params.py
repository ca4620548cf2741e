"""Reading Bot API parameters from an HTTP request, whatever the encoding.

Telegram accepts the query string, application/x-www-form-urlencoded, multipart/form-data and
application/json. In the form encodings every value is a string: complex fields arrive as
JSON text and numbers and booleans as their JSON spelling. We decode them here, by name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .models import bad_request

JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "entities",
        "caption_entities",
        "explanation_entities",
        "question_entities",
        "text_entities",
        "commands",
        "scope",
        "options",
        "allowed_updates",
        "link_preview_options",
        "media",
        "menu_button",
        "message_ids",
        "rights",
        "permissions",
        "results",
        "reaction",
        "correct_option_ids",
    }
)
INT_FIELDS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "reply_to_message_id",
        "message_thread_id",
        "user_id",
        "offset",
        "limit",
        "timeout",
        "cache_time",
        "max_connections",
        "duration",
        "width",
        "height",
        "length",
        "open_period",
        "close_date",
        "correct_option_id",
        "live_period",
        "heading",
        "proximity_alert_radius",
        "until_date",
        "video_start_timestamp",
    }
)
FLOAT_FIELDS = frozenset({"latitude", "longitude", "horizontal_accuracy"})
BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "show_alert",
        "is_anonymous",
        "allows_multiple_answers",
        "is_closed",
        "drop_pending_updates",
        "has_spoiler",
        "show_caption_above_media",
        "disable_content_type_detection",
        "supports_streaming",
        "allow_paid_broadcast",
        "revoke_messages",
        "only_if_banned",
        "for_channels",
        "remove_caption",
        "is_big",
        "allows_revoting",
    }
)


@dataclass(slots=True)
class Upload:
    """A file sent in a multipart request."""

    field: str
    filename: str
    content_type: str
    data: bytes

    def describe(self) -> dict[str, Any]:
        return {
            "upload": self.filename,
            "content_type": self.content_type,
            "size": len(self.data),
        }


def _coerce(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if key in JSON_FIELDS:
        if value[:1] in ("[", "{", '"'):
            try:
                return json.loads(value)
            except ValueError as exc:
                raise bad_request(f"can't parse {key} JSON object") from exc
        return value
    if key in INT_FIELDS:
        s = value.strip()
        if s.lstrip("-").isdigit():
            return int(s)
        return value
    if key in FLOAT_FIELDS:
        try:
            return float(value)
        except ValueError:
            return value
    if key in BOOL_FIELDS:
        low = value.strip().lower()
        if low in ("true", "1"):
            return True
        if low in ("false", "0", ""):
            return False
    return value


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """All parameters of a request, decoded, plus the uploaded files by field name."""
    params: dict[str, Any] = {}
    uploads: dict[str, Upload] = {}
    for key, value in request.query.items():
        params[key] = value
    if request.method == "POST" and request.body_exists:
        ctype = request.content_type
        if ctype == "application/json":
            try:
                body = await request.json()
            except ValueError as exc:
                raise bad_request("can't parse JSON object") from exc
            if not isinstance(body, dict):
                raise bad_request("JSON object expected")
            params.update(body)
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    data = value.file.read()
                    uploads[key] = Upload(
                        key, value.filename or key, value.content_type or "", data
                    )
                else:
                    params[key] = value
        else:
            raw = await request.read()
            if raw.strip():
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                if isinstance(body, dict):
                    params.update(body)
    return {k: _coerce(k, v) for k, v in params.items()}, uploads


def decode_form_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Apply the same decoding to plain name -> value pairs (e.g. a webhook reply)."""
    return {k: _coerce(k, v) for k, v in fields.items()}
