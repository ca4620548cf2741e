"""Files the fake server knows: uploads by the bot, photos and documents sent by fake users."""

from __future__ import annotations

import base64
import mimetypes
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

from .models import bad_request


def tiny_png(width: int = 8, height: int = 8, rgb: tuple[int, int, int] = (200, 200, 200)) -> bytes:
    """A valid, small, single-colour PNG (a stand-in photo a browser can show)."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            struct.pack(">I", len(payload))
            + kind
            + payload
            + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    raw = row * height
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def image_size(data: bytes | None) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or JPEG, or None."""
    if not data:
        return None
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        w, h = struct.unpack(">II", data[16:24])
        return w, h
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return w, h
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            seg_len = struct.unpack(">H", data[i + 2 : i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD,
                          0xCE, 0xCF):
                h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                return w, h
            i += 2 + seg_len
    return None


@dataclass(slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str  # photo, document, voice, audio, video, animation, sticker, video_note
    data: bytes | None
    file_path: str
    file_size: int
    mime_type: str | None = None
    file_name: str | None = None
    url: str | None = None
    # the media object(s) this file belongs to, as sent in messages
    media: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


_PREFIX = {
    "photo": "AgAC",
    "document": "BQAC",
    "voice": "AwAC",
    "audio": "CQAC",
    "video": "BAAC",
    "animation": "CgAC",
    "sticker": "CAAC",
    "video_note": "DQAC",
}
_DIRS = {
    "photo": "photos",
    "document": "documents",
    "voice": "voice",
    "audio": "music",
    "video": "videos",
    "animation": "animations",
    "sticker": "stickers",
    "video_note": "video_notes",
}


class FileStore:
    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._counter = 0

    def __len__(self) -> int:
        return len(self._by_id)

    def _new_ids(self, kind: str) -> tuple[str, str, int]:
        self._counter += 1
        n = self._counter
        token = base64.urlsafe_b64encode(f"fake:{kind}:{n:08d}".encode()).decode().rstrip("=")
        uniq = base64.urlsafe_b64encode(f"u{n:08d}".encode()).decode().rstrip("=")
        return f"{_PREFIX.get(kind, 'BQAC')}{token}", f"AQAD{uniq}", n

    def add(
        self,
        kind: str,
        data: bytes | None,
        *,
        mime_type: str | None = None,
        file_name: str | None = None,
        url: str | None = None,
        size: int | None = None,
    ) -> StoredFile:
        file_id, unique, n = self._new_ids(kind)
        ext = ""
        if file_name and "." in file_name:
            ext = file_name[file_name.rfind(".") :]
        elif mime_type:
            ext = mimetypes.guess_extension(mime_type) or ""
        if kind == "photo":
            ext = ".png" if data and data.startswith(b"\x89PNG") else ".jpg"
        elif kind == "voice" and not ext:
            ext = ".oga"
        elif kind == "sticker" and not ext:
            ext = ".webp"
        path = f"{_DIRS.get(kind, 'documents')}/file_{n}{ext}"
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=unique,
            kind=kind,
            data=data,
            file_path=path,
            file_size=size if size is not None else len(data or b""),
            mime_type=mime_type,
            file_name=file_name,
            url=url,
        )
        self._by_id[file_id] = stored
        self._by_path[path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, path: str) -> StoredFile | None:
        return self._by_path.get(path)

    def file_object(self, file_id: str) -> dict[str, Any]:
        stored = self._by_id.get(file_id)
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }

    # ---------------------------------------------------------------- media objects

    def photo_sizes(self, data: bytes | None, *, url: str | None = None) -> list[dict[str, Any]]:
        """A PhotoSize list as Telegram makes it: thumbnails plus the original, small first.

        Every size downloads as the original bytes (no real resizing).
        """
        if data is None and url is None:
            data = tiny_png()
        w, h = image_size(data) or (1280, 960)
        sizes = []
        longest = max(w, h)
        for side in (90, 320, 800):
            if side < longest:
                scale = side / longest
                sizes.append((max(1, round(w * scale)), max(1, round(h * scale))))
        sizes.append((w, h) if longest <= 2560 else (round(w * 2560 / longest),
                                                     round(h * 2560 / longest)))
        full = len(data or b"") or 50_000
        result = []
        group: list[dict[str, Any]] = []
        for sw, sh in sizes:
            fsize = max(1, full * sw * sh // max(1, w * h))
            stored = self.add("photo", data, url=url, size=fsize, mime_type="image/jpeg")
            obj = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": fsize,
                "width": sw,
                "height": sh,
            }
            stored.media = group
            result.append(obj)
            group.append(obj)
        return result

    def media_object(
        self,
        kind: str,
        data: bytes | None,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        url: str | None = None,
        duration: int | None = None,
        width: int | None = None,
        height: int | None = None,
        emoji: str | None = None,
    ) -> dict[str, Any]:
        """A Document/Voice/Audio/Video/Animation/Sticker/VideoNote object for new bytes."""
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        defaults = {
            "voice": "audio/ogg",
            "audio": "audio/mpeg",
            "video": "video/mp4",
            "animation": "video/mp4",
            "video_note": "video/mp4",
            "document": "application/octet-stream",
        }
        mime_type = mime_type or defaults.get(kind)
        stored = self.add(kind, data, mime_type=mime_type, file_name=file_name, url=url)
        obj: dict[str, Any] = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        if kind == "sticker":
            obj.update(
                {
                    "type": "regular",
                    "width": width or 512,
                    "height": height or 512,
                    "is_animated": False,
                    "is_video": False,
                    "emoji": emoji or "👍",
                    "set_name": "FakeStickers",
                }
            )
        if kind in ("video", "animation"):
            obj["width"] = width or 640
            obj["height"] = height or 480
        if kind == "video_note":
            obj["length"] = width or 240
        if kind in ("voice", "audio", "video", "animation", "video_note"):
            obj["duration"] = duration if duration is not None else 3
        if kind in ("document", "audio", "video", "animation") and file_name:
            obj["file_name"] = file_name
        if mime_type and kind != "sticker" and kind != "video_note":
            obj["mime_type"] = mime_type
        obj["file_size"] = stored.file_size
        stored.media = obj
        return obj
