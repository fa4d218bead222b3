"""Ordinary messages the assistant is built on, as non-emergency examples for the detector.

The detector's reviewed set (data/safety/labelled.yml) holds a few hundred non-emergencies; families
type thousands of ordinary things in between: leave questions with birth details, subsidy questions with
a phone number, form answers (a name, an address, 「不留」), pinyin and English. The knowledge base's
labelled questions and the engine's NLU examples (intents, not emergencies) are exactly that
distribution, already reviewed. A message that matches any emergency cue of data/safety/signals.yml is
left out: those near misses stay the reviewed set's job, labelled one by one.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge.opening import opening_book
from knowledge.questions import labelled as labelled_questions
from knowledge.safety.signals import hits
from knowledge.text import normalize

ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = ROOT / "data" / "nlu"
# a complaint's urgency is the triage set's label (complaint examples); the NLU's complaint texts are not read
SKIPPED_INTENTS = frozenset({"file_complaint"})
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def _nlu_examples(directory: Path = NLU_DIR) -> list[str]:
    """Every NLU example text (entity markup removed), except the skipped intents'."""
    out: list[str] = []
    for path in sorted(directory.glob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in raw.get("nlu") or []:
            if "intent" not in block or block["intent"] in SKIPPED_INTENTS:
                continue
            for line in str(block.get("examples") or "").splitlines():
                text = line.strip()
                if text.startswith("- "):
                    out.append(_ANNOTATION.sub(r"\1", text[2:].strip()))
    return out


# answers typed into the forms, composed from the forms' own vocabulary (an answer is not an emergency)
NAME_STEMS = (
    "小星星",
    "阳光",
    "彩虹",
    "童心",
    "快乐宝贝",
    "蓝天",
    "小太阳",
    "七色花",
    "贝贝",
    "育才",
)
TIMES = (
    "上周三",
    "前天下午",
    "昨天早上",
    "这学期开学以来",
    "上个月中旬",
    "一直都这样",
    "好几次了",
    "国庆节后",
    "今年春天开始",
    "十一月初",
)
LEAVE_FACTS = (
    "顺产",
    "剖腹产",
    "难产",
    "一个",
    "双胞胎",
    "就一个娃",
    "已经生了",
    "还没生",
    "预产期",
)
# asking for someone else: a neighbour, a relative, a colleague (「是我姐喊我帮她问的」) is no one in danger
ON_BEHALF = (
    "我邻居",
    "邻居",
    "我姐",
    "我妹",
    "我妈",
    "朋友",
    "同事",
    "她",
    "他",
    "我老婆",
    "我老公",
    "孩子奶奶",
    "亲戚",
)
BEHALF_VERBS = ("喊", "叫", "让", "托", "请")
BEHALF_TASKS = ("查一下", "问问", "看下进度", "问一下", "查查投诉", "咨询下", "打听一下")
FORM_ANSWERS_MAX = 600


def _places(directory: Path = NLU_DIR) -> list[str]:
    """The reviewed place names (the NLU's `place` lookup)."""
    raw = yaml.safe_load((directory / "lookups.yml").read_text(encoding="utf-8")) or {}
    for block in raw.get("nlu") or []:
        if block.get("lookup") == "place":
            return [
                line.strip()[2:] for line in str(block["examples"]).splitlines() if line.strip()
            ]
    return []


def form_answers(seed: int = 0) -> list[str]:
    """Answers to the forms' questions in the ways people type them: operator options, an institution's
    name, a place, a time, a birth date with its facts (deterministic for a seed)."""
    rng = random.Random(seed)
    book = opening_book()
    keywords = {q.id: [k for o in q.options for k in o.keywords] for q in book.questions}
    places = _places() or ["仁和镇"]
    suffixes = ("托育中心", "托育园", "托管班", "幼儿园", "早教中心", "宝贝之家")
    out: list[str] = []
    for _ in range(FORM_ANSWERS_MAX):
        kind = rng.randrange(5)
        if kind == 0:
            first, second = rng.sample(list(keywords), 2)
            out.append(f"{rng.choice(keywords[first])}的 {rng.choice(keywords[second])}")
        elif kind == 1:
            name = f"{rng.choice(NAME_STEMS)}{rng.choice(suffixes)}"
            out.append(rng.choice([name, f"叫{name}", f"{rng.choice(places)}的{name}"]))
        elif kind == 2:
            place = rng.choice(places)
            out.append(rng.choice([place, f"在{place}那边", f"{place} {rng.choice(TIMES)}"]))
        elif kind == 3:
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            date = rng.choice([f"{month}月{day}号", f"2026.{month}.{day}", f"{month}月{day}日生的"])
            out.append(f"{date} {rng.choice(LEAVE_FACTS)}")
        else:
            who, verb, task = (
                rng.choice(ON_BEHALF),
                rng.choice(BEHALF_VERBS),
                rng.choice(BEHALF_TASKS),
            )
            ticket = (
                f"TY2026{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}-{rng.randint(1, 99):04d}"
            )
            out.append(
                rng.choice(
                    [
                        f"{who}{verb}我帮{who[-1] if who[-1] in '她他' else '她'}{task}",
                        f"我是{who.removeprefix('我')}的{rng.choice(('邻居', '朋友', '家里人'))} {who}{verb}我{task}",
                        f"帮{who}{task} {ticket}",
                        f"{ticket} 是{who}{verb}我{task}的",
                    ]
                )
            )
    return list(dict.fromkeys(out))


@lru_cache(maxsize=1)
def ordinary(exclude: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Distinct ordinary messages with no emergency cue, none of them in `exclude` (normalised)."""
    seen = set(exclude)
    out: list[str] = []
    texts = [q.text for q in labelled_questions()] + _nlu_examples() + form_answers()
    for text in texts:
        key = normalize(text)
        if not key or key in seen or hits(text):
            continue
        seen.add(key)
        out.append(text)
    return tuple(out)
