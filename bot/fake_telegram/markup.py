"""Telegram's HTML parse mode, both ways: HTML -> (text, entities) and (text, entities) -> HTML.

Offsets and lengths of entities are counted in UTF-16 code units, as the Bot API does.
Only what Telegram documents is accepted: b/strong, i/em, u/ins, s/strike/del, tg-spoiler
(and span class="tg-spoiler"), a href, code, pre (with an inner code class="language-x"),
blockquote [expandable], tg-emoji; the named entities &lt; &gt; &amp; &quot; and numeric ones.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "a": "text_link",
    "span": "spoiler",
    "tg-emoji": "custom_emoji",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTR = re.compile(r"\s*([a-zA-Z_:-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?")
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
_PLAIN = re.compile(r"[^<&]+")


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; str() is what follows "can't parse entities: "."""


def utf16_len(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(src: str, index: int) -> int:
    return len(src[:index].encode("utf-8"))


def parse_html(src: str) -> tuple[str, list[dict[str, Any]]]:
    """Turn Telegram HTML into plain text plus MessageEntity dicts, or raise HtmlParseError."""
    out: list[str] = []
    pos16 = 0
    entities: list[dict[str, Any]] = []
    # stack items: [tag name, entity dict or None, start utf-16 offset]
    stack: list[list[Any]] = []
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch == "<":
            if src.startswith("</", i):
                end = src.find(">", i)
                if end == -1:
                    raise HtmlParseError(
                        f"Can't find end of the tag at byte offset {_byte_offset(src, i)}"
                    )
                name = src[i + 2 : end].strip().lower()
                if not stack:
                    raise HtmlParseError(f"Unexpected end tag at byte offset {_byte_offset(src, i)}")
                open_name, entity, start = stack.pop()
                if name != open_name:
                    raise HtmlParseError(
                        f'Unmatched end tag at byte offset {_byte_offset(src, i)}, '
                        f'expected "</{open_name}>", found "</{name}>"'
                    )
                if entity is not None and pos16 > start:
                    entity["offset"] = start
                    entity["length"] = pos16 - start
                    entities.append(entity)
                i = end + 1
                continue
            m = _TAG_NAME.match(src, i + 1)
            if not m:
                raise HtmlParseError(
                    f"Unexpected end of name token at byte offset {_byte_offset(src, i + 1)}"
                )
            name = m.group(0).lower()
            j = m.end()
            attrs: dict[str, str] = {}
            while True:
                am = _ATTR.match(src, j)
                if not am or am.end() == j:
                    break
                value = am.group(2) if am.group(2) is not None else am.group(3)
                if value is None:
                    value = am.group(4) or ""
                attrs[am.group(1).lower()] = _unescape(value)
                j = am.end()
            while j < n and src[j].isspace():
                j += 1
            self_closing = src.startswith("/>", j)
            if self_closing:
                j += 1
            if j >= n or src[j] != ">":
                raise HtmlParseError(
                    f"Can't find end of the tag at byte offset {_byte_offset(src, i)}"
                )
            entity = _entity_for(name, attrs, stack, src, i)
            if not self_closing:
                stack.append([name, entity, pos16])
            i = j + 1
            continue
        if ch == "&":
            m = _ENTITY.match(src, i)
            piece = "&"
            if m:
                decoded = _decode_entity(m.group(1))
                if decoded is not None:
                    piece = decoded
                    i = m.end()
                else:
                    i += 1
            else:
                i += 1
            out.append(piece)
            pos16 += utf16_len(piece)
            continue
        m = _PLAIN.match(src, i)
        assert m is not None
        piece = m.group(0)
        out.append(piece)
        pos16 += utf16_len(piece)
        i = m.end()
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _entity_for(
    name: str, attrs: dict[str, str], stack: list[list[Any]], src: str, index: int
) -> dict[str, Any] | None:
    kind = _SIMPLE_TAGS.get(name)
    if kind is None:
        raise HtmlParseError(
            f'Unsupported start tag "{name}" at byte offset {_byte_offset(src, index)}'
        )
    if name == "span":
        if attrs.get("class") != "tg-spoiler":
            raise HtmlParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(src, index)}'
            )
        return {"type": "spoiler"}
    if name == "a":
        href = attrs.get("href")
        if not href:
            return None
        m = re.fullmatch(r"tg://user\?id=(\d+)", href)
        if m:
            return {"type": "text_mention", "user": {"id": int(m.group(1)), "is_bot": False,
                                                      "first_name": ""}}
        return {"type": "text_link", "url": href}
    if name == "code" and stack and stack[-1][0] == "pre":
        pre = stack[-1][1]
        cls = attrs.get("class", "")
        if pre is not None and cls.startswith("language-"):
            pre["language"] = cls[len("language-") :]
            return None
    if name == "blockquote" and "expandable" in attrs:
        return {"type": "expandable_blockquote"}
    if name == "tg-emoji":
        return {"type": "custom_emoji", "custom_emoji_id": attrs.get("emoji-id", "")}
    return {"type": kind}


def _decode_entity(body: str) -> str | None:
    if body.startswith("#"):
        try:
            code = int(body[2:], 16) if body[1:2] in ("x", "X") else int(body[1:])
            return chr(code)
        except (ValueError, OverflowError):
            return None
    return _NAMED.get(body)


def _unescape(value: str) -> str:
    def repl(m: re.Match[str]) -> str:
        decoded = _decode_entity(m.group(1))
        return decoded if decoded is not None else m.group(0)

    return _ENTITY.sub(repl, value)


# --------------------------------------------------------------------------- to HTML

def _open_tag(entity: dict[str, Any]) -> tuple[str, str] | None:
    kind = entity.get("type")
    if kind == "bold":
        return "<b>", "</b>"
    if kind == "italic":
        return "<i>", "</i>"
    if kind == "underline":
        return "<u>", "</u>"
    if kind == "strikethrough":
        return "<s>", "</s>"
    if kind == "spoiler":
        return "<tg-spoiler>", "</tg-spoiler>"
    if kind == "code":
        return "<code>", "</code>"
    if kind == "pre":
        lang = entity.get("language")
        if lang:
            return f'<pre><code class="language-{escape(lang)}">', "</code></pre>"
        return "<pre>", "</pre>"
    if kind == "text_link":
        return f'<a href="{escape(entity.get("url", ""))}">', "</a>"
    if kind == "text_mention":
        uid = (entity.get("user") or {}).get("id", 0)
        return f'<a href="tg://user?id={uid}">', "</a>"
    if kind == "blockquote":
        return "<blockquote>", "</blockquote>"
    if kind == "expandable_blockquote":
        return "<blockquote expandable>", "</blockquote>"
    if kind == "custom_emoji":
        return f'<tg-emoji emoji-id="{escape(entity.get("custom_emoji_id", ""))}">', "</tg-emoji>"
    return None


def to_html(text: str, entities: list[dict[str, Any]] | None) -> str:
    """Render text + entities as Telegram HTML (entities without a tag are left plain)."""
    tagged = []
    for e in entities or ():
        tags = _open_tag(e)
        if tags and e.get("length", 0) > 0:
            tagged.append((e["offset"], e["offset"] + e["length"], tags))
    if not tagged:
        return escape(text, quote=False)
    # map UTF-16 offsets to str indices
    if text.isascii() or utf16_len(text) == len(text):
        def to_index(off: int) -> int:
            return off
    else:
        table = [0]
        for idx, ch in enumerate(text):
            table.extend([idx + 1] * (2 if ord(ch) > 0xFFFF else 1))

        def to_index(off: int) -> int:
            return table[min(off, len(table) - 1)]

    spans = sorted(
        ((to_index(s), to_index(e), tags) for s, e, tags in tagged), key=lambda t: (t[0], -t[1])
    )
    points = sorted({p for s, e, _ in spans for p in (s, e)} | {0, len(text)})
    out: list[str] = []
    stack: list[tuple[int, int, tuple[str, str]]] = []
    for k, point in enumerate(points):
        # close everything that ends here (and whatever sits above it, to be reopened)
        reopen: list[tuple[int, int, tuple[str, str]]] = []
        while stack and any(e <= point for _, e, _ in stack):
            top = stack.pop()
            out.append(top[2][1])
            if top[1] > point:
                reopen.append(top)
        for span in reversed(reopen):
            out.append(span[2][0])
            stack.append(span)
        for span in spans:
            if span[0] == point and span[1] > point:
                out.append(span[2][0])
                stack.append(span)
        if k + 1 < len(points):
            out.append(escape(text[point : points[k + 1]], quote=False))
    while stack:
        out.append(stack.pop()[2][1])
    return "".join(out)


# --------------------------------------------------------------------------- auto entities

_AUTO = re.compile(
    r"(?P<bot_command>(?<![\w/])/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z][a-zA-Z0-9_]{3,31})?(?![\w/]))"
    r"|(?P<url>https?://[^\s<>\"]+[^\s<>\".,;:!?)\]'])"
    r"|(?P<email>(?<![\w.])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
    r"|(?P<mention>(?<![\w@])@[a-zA-Z][a-zA-Z0-9_]{3,31}(?!\w))"
    r"|(?P<hashtag>(?<![\w#])#\w*[^\W\d_]\w*)"
)


def detect_entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram finds by itself: bot commands, URLs, e-mails, @mentions, #hashtags."""
    if not text or not any(c in text for c in "/@#:"):
        return []
    found = []
    for m in _AUTO.finditer(text):
        kind = m.lastgroup
        start = utf16_len(text[: m.start()])
        found.append({"offset": start, "length": utf16_len(m.group(0)), "type": kind})
    return found


def merge_entities(
    first: list[dict[str, Any]], second: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    if not second:
        return first
    if not first:
        return second
    return sorted(first + second, key=lambda e: (e["offset"], -e["length"]))


# --------------------------------------------------------------------------- Markdown

_V2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_V2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "code": "Code",
    "pre": "Pre",
}


def _link_entity(url: str) -> dict[str, Any]:
    m = re.fullmatch(r"tg://user\?id=(\d+)", url)
    if m:
        return {"type": "text_mention", "user": {"id": int(m.group(1)), "is_bot": False,
                                                  "first_name": ""}}
    m = re.fullmatch(r"tg://emoji\?id=(\d+)", url)
    if m:
        return {"type": "custom_emoji", "custom_emoji_id": m.group(1)}
    return {"type": "text_link", "url": url}


def parse_markdown_v2(src: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's MarkdownV2: (plain text, entities), or HtmlParseError with Telegram's words."""
    out: list[str] = []
    pos16 = 0
    entities: list[dict[str, Any]] = []
    stack: list[tuple[str, str, int, int]] = []  # marker, type, start16, byte offset
    i, n = 0, len(src)
    line_start = True
    quote_start: int | None = None

    def emit(piece: str) -> None:
        nonlocal pos16
        out.append(piece)
        pos16 += utf16_len(piece)

    def scan_until(j: int, closing: str) -> tuple[str, int]:
        """Text up to the unescaped ``closing``; '\\' escapes ` and \\ (and ) in URLs)."""
        buf = []
        while j < n:
            if src[j] == "\\" and j + 1 < n:
                buf.append(src[j + 1])
                j += 2
                continue
            if src.startswith(closing, j):
                return "".join(buf), j
            buf.append(src[j])
            j += 1
        raise HtmlParseError(
            f"Can't find end of {'Pre' if closing == '```' else 'Code'} entity at byte offset "
            f"{_byte_offset(src, i)}"
        )

    while i < n:
        ch = src[i]
        if line_start and ch == ">":
            if quote_start is None:
                quote_start = pos16
            i += 1
            line_start = False
            continue
        if line_start and quote_start is not None:
            # the quote ended on the previous line
            if pos16 - 1 > quote_start:
                entities.append({"type": "blockquote", "offset": quote_start,
                                 "length": pos16 - 1 - quote_start})
            quote_start = None
        line_start = False
        if ch == "\\":
            if i + 1 < n and 0 < ord(src[i + 1]) < 127:
                emit(src[i + 1])
                i += 2
                continue
            emit(ch)
            i += 1
            continue
        if ch == "`":
            start = pos16
            if src.startswith("```", i):
                body, end = scan_until(i + 3, "```")
                language = None
                first, sep, rest = body.partition("\n")
                if sep and first and not re.search(r"\s", first):
                    language, body = first, rest
                emit(body)
                entity: dict[str, Any] = {"type": "pre"}
                if language:
                    entity["language"] = language
                i = end + 3
            else:
                body, end = scan_until(i + 1, "`")
                emit(body)
                entity = {"type": "code"}
                i = end + 1
            if pos16 > start:
                entities.append({**entity, "offset": start, "length": pos16 - start})
            continue
        marker = None
        if ch == "*":
            marker, kind = "*", "bold"
        elif ch == "_":
            marker, kind = ("__", "underline") if src.startswith("__", i) else ("_", "italic")
        elif ch == "~":
            marker, kind = "~", "strikethrough"
        elif ch == "|" and src.startswith("||", i):
            marker, kind = "||", "spoiler"
        if marker is not None:
            open_idx = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][0] == marker),
                            None)
            if open_idx is None:
                stack.append((marker, kind, pos16, _byte_offset(src, i)))
            else:
                _, kind, start, _ = stack.pop(open_idx)
                if pos16 > start:
                    entities.append({"type": kind, "offset": start, "length": pos16 - start})
            i += len(marker)
            continue
        if ch == "[":
            stack.append(("[", "text_link", pos16, _byte_offset(src, i)))
            i += 1
            continue
        if ch == "]" and any(s[0] == "[" for s in stack):
            if not src.startswith("(", i + 1):
                raise HtmlParseError(
                    "Character ']' is reserved and must be escaped with the preceding '\\'"
                )
            url, end = scan_until(i + 2, ")")
            k = max(k for k in range(len(stack)) if stack[k][0] == "[")
            _, _, start, _ = stack.pop(k)
            if pos16 > start:
                entities.append({**_link_entity(url), "offset": start, "length": pos16 - start})
            i = end + 1
            continue
        if ch in _V2_RESERVED:
            raise HtmlParseError(
                f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
            )
        emit(ch)
        if ch == "\n":
            line_start = True
        i += 1
    if quote_start is not None and pos16 > quote_start:
        entities.append({"type": "blockquote", "offset": quote_start,
                         "length": pos16 - quote_start})
    if stack:
        _, kind, _, byte = stack[-1]
        raise HtmlParseError(f"Can't find end of {_V2_NAMES[kind]} entity at byte offset {byte}")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def parse_markdown(src: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's legacy Markdown: *bold* _italic_ `code` ```pre``` [text](url)."""
    out: list[str] = []
    pos16 = 0
    entities: list[dict[str, Any]] = []
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch == "\\" and i + 1 < n and src[i + 1] in "_*`[":
            out.append(src[i + 1])
            pos16 += 1
            i += 2
            continue
        if ch in "*_`[":
            start_byte = _byte_offset(src, i)
            if ch == "[":
                m = re.compile(r"\[([^\]]*)\]\(([^)]*)\)").match(src, i)
                if not m:
                    raise HtmlParseError(
                        f"Can't find end of the entity starting at byte offset {start_byte}"
                    )
                text = m.group(1)
                if text:
                    entities.append({**_link_entity(m.group(2)), "offset": pos16,
                                     "length": utf16_len(text)})
                out.append(text)
                pos16 += utf16_len(text)
                i = m.end()
                continue
            closing = "```" if src.startswith("```", i) else ch
            end = src.find(closing, i + len(closing))
            if end == -1:
                raise HtmlParseError(
                    f"Can't find end of the entity starting at byte offset {start_byte}"
                )
            body = src[i + len(closing) : end]
            entity: dict[str, Any] = {
                "*": {"type": "bold"},
                "_": {"type": "italic"},
                "`": {"type": "code"},
                "```": {"type": "pre"},
            }[closing]
            if closing == "```":
                first, sep, rest = body.partition("\n")
                if sep and first and not re.search(r"\s", first):
                    entity = {"type": "pre", "language": first}
                    body = rest
            if body:
                entities.append({**entity, "offset": pos16, "length": utf16_len(body)})
            out.append(body)
            pos16 += utf16_len(body)
            i = end + len(closing)
            continue
        m = re.compile(r"[^\\*_`\[]+").match(src, i)
        piece = m.group(0) if m else ch
        out.append(piece)
        pos16 += utf16_len(piece)
        i += len(piece)
    return "".join(out), entities
