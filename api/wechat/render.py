"""ChatResponse → WeChat text: numbered options instead of buttons, one-line citations, byte-safe parts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from api.chat.schemas import ChatResponse
from api.wechat.texts import OPTION_LINE

_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.。、)）]?\s*$")
_KEYCAP = str.maketrans("", "", "\ufe0f\u20e3")


@dataclass(frozen=True)
class Rendered:
    """The turn as one text, plus the payloads its numbered options stand for (1-based order)."""

    text: str
    payloads: list[str] = field(default_factory=list)


def render(response: ChatResponse, *, doc_names: dict[str, str] | None = None) -> Rendered:
    """One block per message; its citations as 依据 lines; all buttons numbered across the turn."""
    names = doc_names or {}
    blocks: list[str] = []
    payloads: list[str] = []
    for message in response.messages:
        lines = [message.text.strip()] if message.text.strip() else []
        cited: list[str] = []
        for source in message.sources or []:
            line = f"依据：{names.get(source.doc, source.doc)} {source.section}".strip()
            if line not in cited:
                cited.append(line)
        lines.extend(cited)
        for button in message.buttons or []:
            payloads.append(button.payload)
            lines.append(OPTION_LINE.format(number=len(payloads), title=button.title))
        if lines:
            blocks.append("\n".join(lines))
    return Rendered(text="\n\n".join(blocks), payloads=payloads)


def option_number(text: str) -> int | None:
    """The option a reply like "1", "１", "2." or "3️⃣" picks, else None."""
    match = _NUMBER.match(unicodedata.normalize("NFKC", text).translate(_KEYCAP))
    return int(match.group(1)) if match else None


def utf8_len(text: str) -> int:
    """Size WeChat counts its limits in."""
    return len(text.encode("utf-8"))


def split(text: str, limit: int) -> list[str]:
    """Parts of at most `limit` UTF-8 bytes, cut at line ends when possible, never inside a character."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if utf8_len(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        current = ""
        while utf8_len(line) > limit:
            head = _prefix(line, limit)
            parts.append(head)
            line = line[len(head) :]
        current = line
    if current.strip():
        parts.append(current)
    return [part.strip("\n") for part in parts if part.strip()] or [""]


def _prefix(line: str, limit: int) -> str:
    """The longest prefix of `line` that fits in `limit` bytes."""
    size = 0
    for index, char in enumerate(line):
        size += utf8_len(char)
        if size > limit:
            return line[:index]
    return line
