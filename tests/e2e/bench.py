"""`make bench`: side by side on one fresh stack — Rasa's bare NLU, a stock Rasa turn, a turn through our
action, and the full /api/chat turn, at 1, 8 and 16 concurrent users; the ratios between them, the app's
in-process costs (answer, emergency check) and the resident memory of each process.

Prints a table and writes var/bench.json. `--untuned` starts the processes as before this change (plain
`rasa`, library thread defaults) for a before/after on the same machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil

from tests.e2e.stack import ROOT, THREADS, Stack, running_stack

QUESTIONS = [
    "男方陪产假能休多少天",
    "产假一共多少天啊",
    "开托育园要去哪些部门办手续",
    "托班收几岁的娃",
    "社区托育点是哪种办法办的",
    "托育机构收费乱七八糟找哪个部门",
    "宝宝打疫苗社区管不管",
    "明天天气怎么样",
]


def question(i: int) -> str:
    """The i-th question, made unique so no cache (the app keeps recent message vectors) flatters a figure."""
    return f"{QUESTIONS[i % len(QUESTIONS)]} {i}"


# answered by a domain response (utter_guide_restart_which) by rule, no custom action
STOCK_TEXT = "重新开始"
STOCK_INTENT = "restart_guide"
LEVELS = (1, 8, 16)
REPORT = ROOT / "var" / "bench.json"
Request = Callable[[httpx.AsyncClient, str, int], Any]


@dataclass
class Row:
    """One kind of request at one concurrency."""

    name: str
    users: int
    n: int
    p50_ms: float
    p95_ms: float
    per_s: float
    errors: int


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * (len(ordered) - 1) + 0.5))]


def _kinds(stack: Stack) -> dict[str, Request]:
    """The four requests, each a coroutine factory (client, sender, i) → response."""
    token = {"token": stack.rasa_token}

    def parse(client: httpx.AsyncClient, sender: str, i: int) -> Any:
        text = question(i)
        return client.post(f"{stack.rasa_url}/model/parse", params=token, json={"text": text})

    def webhook(text_of: Callable[[int], str]) -> Request:
        def send(client: httpx.AsyncClient, sender: str, i: int) -> Any:
            return client.post(
                f"{stack.rasa_url}/webhooks/rest/webhook",
                json={"sender": sender, "message": text_of(i), "metadata": {"channel": "web"}},
            )

        return send

    def chat(client: httpx.AsyncClient, sender: str, i: int) -> Any:
        text = question(i)
        return client.post(f"{stack.url}/api/chat", json={"sender_id": sender, "text": text})

    return {
        "bare /model/parse": parse,
        "stock turn (domain response)": webhook(lambda i: STOCK_TEXT),
        "engine turn via our action": webhook(question),
        "full /api/chat turn": chat,
    }


async def _load(request: Request, users: int, per_user: int) -> tuple[list[float], float, int]:
    """`users` conversations at once, each `per_user` turns in a row: latencies, wall time, errors."""
    latencies: list[float] = []
    errors = 0

    async def user(client: httpx.AsyncClient, n: int) -> None:
        nonlocal errors
        sender = f"bench-{n}-{uuid.uuid4().hex[:6]}"
        for i in range(per_user):
            started = time.perf_counter()
            try:
                # question n+i (users start on different questions), unique per turn (the suffix)
                response = await request(client, sender, n + i + 1000 * n)
                ok = response.status_code == 200 and response.json() is not None
            except (httpx.HTTPError, ValueError):
                ok = False
            latencies.append(time.perf_counter() - started)
            errors += not ok

    limits = httpx.Limits(max_connections=users + 2, max_keepalive_connections=users + 2)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(user(client, n) for n in range(users)))
        elapsed = time.perf_counter() - started
    return latencies, elapsed, errors


def measure(name: str, request: Request, users: int, turns: int) -> Row:
    """One row: `turns` requests in all, spread over `users`."""
    per_user = max(1, turns // users)
    latencies, elapsed, errors = asyncio.run(_load(request, users, per_user))
    ms = [v * 1000 for v in latencies]
    return Row(
        name=name,
        users=users,
        n=len(ms),
        p50_ms=round(statistics.median(ms), 1),
        p95_ms=round(percentile(ms, 0.95), 1),
        per_s=round(len(ms) / elapsed, 1),
        errors=errors,
    )


def memory(stack: Stack) -> dict[str, float]:
    """Resident memory (MiB) of each process tree."""
    result = {}
    for name, proc in stack.procs.items():
        try:
            parent = psutil.Process(proc.pid)
            rss = parent.memory_info().rss + sum(
                c.memory_info().rss for c in parent.children(recursive=True)
            )
            result[name] = round(rss / 2**20, 1)
        except psutil.Error:
            result[name] = float("nan")
    return result


def in_process(rounds: int) -> dict[str, float]:
    """The app's own costs per message, in this process (no HTTP, no NLU): answer and emergency check."""
    from knowledge.answer import answer
    from knowledge.safety import detect

    answer(text="预热")
    detect("预热")
    out = {}
    for name, call in (("answer_ms", lambda t: answer(text=t)), ("safety_ms", detect)):
        times = []
        for i in range(rounds):
            started = time.perf_counter()
            call(question(i))
            times.append((time.perf_counter() - started) * 1000)
        out[f"{name}_p50"] = round(statistics.median(times), 1)
        out[f"{name}_p95"] = round(percentile(times, 0.95), 1)
    return out


def ratios(rows: list[Row]) -> dict[str, float]:
    """How the full turn compares with what Rasa alone does, per concurrency."""
    by = {(r.name, r.users): r for r in rows}
    out: dict[str, float] = {}
    for users in {r.users for r in rows}:
        parse = by.get(("bare /model/parse", users))
        stock = by.get(("stock turn (domain response)", users))
        chat = by.get(("full /api/chat turn", users))
        if parse and chat and parse.per_s:
            out[f"chat/parse throughput @{users}"] = round(chat.per_s / parse.per_s, 2)
        if stock and chat and stock.per_s:
            out[f"chat/stock throughput @{users}"] = round(chat.per_s / stock.per_s, 2)
        if stock and chat and stock.p50_ms:
            out[f"chat/stock p50 latency @{users}"] = round(chat.p50_ms / stock.p50_ms, 2)
    return dict(sorted(out.items()))


def show(report: dict[str, Any], path: Path) -> None:
    """The rich table on the terminal."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"托育助手 bench ({report['setup']})")
    for column in ("request", "users", "n", "p50 ms", "p95 ms", "per s", "errors"):
        table.add_column(column, justify="left" if column == "request" else "right")
    for row in report["rows"]:
        table.add_row(
            row["name"],
            str(row["users"]),
            str(row["n"]),
            f"{row['p50_ms']:.1f}",
            f"{row['p95_ms']:.1f}",
            f"{row['per_s']:.1f}",
            str(row["errors"]),
        )
    console.print(table)
    console.print("ratios: " + ", ".join(f"{k} {v}" for k, v in report["ratios"].items()))
    console.print(
        "in process: "
        + ", ".join(f"{k} {v}" for k, v in report["in_process"].items())
        + f"; stock text read as {report['stock_intent']!r}"
        + ("" if report["stock_intent"] == STOCK_INTENT else f" (expected {STOCK_INTENT}!)")
    )
    console.print("RSS MiB: " + ", ".join(f"{k} {v}" for k, v in report["rss_mib"].items()))
    console.print(f"written to {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=96, help="requests per row at 8 and 16 users")
    parser.add_argument("--single", type=int, default=40, help="requests per row with one user")
    parser.add_argument("--warm", type=int, default=40, help="warm-up requests of each kind")
    parser.add_argument("--untuned", action="store_true", help="start the processes as before")
    parser.add_argument("--out", type=Path, default=REPORT)
    args = parser.parse_args()
    tuned = not args.untuned
    if tuned:  # this process measures the app's in-process costs: same threads as the app
        os.environ.update(THREADS["app"])
    costs = in_process(200)
    rows: list[Row] = []
    with running_stack(tuned=tuned) as stack:
        kinds = _kinds(stack)
        stock = httpx.post(
            f"{stack.rasa_url}/model/parse",
            params={"token": stack.rasa_token},
            json={"text": STOCK_TEXT},
            timeout=30,
        ).json()
        # warm every path: a stack runs ~30 % slower for its first minute or so (every process filling its
        # caches), which is not what a family meets on a server that has been up for a day
        for name, request in kinds.items():
            measure(name, request, 2, args.warm)
        for users in LEVELS:
            for name, request in kinds.items():
                rows.append(
                    measure(name, request, users, args.single if users == 1 else args.turns)
                )
        rss = memory(stack)
    report: dict[str, Any] = {
        "setup": "tuned (Procfile threads, bot.launch)" if tuned else "untuned (as before)",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "rows": [asdict(r) for r in rows],
        "ratios": ratios(rows),
        "in_process": costs,
        "rss_mib": rss,
        "stock_intent": (stock.get("intent") or {}).get("name"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    show(report, args.out)


if __name__ == "__main__":
    main()
