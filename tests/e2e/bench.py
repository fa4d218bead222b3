"""`make bench`: chat latency (sequential and concurrent), retrieval speed and process memory, on a fresh stack."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid

import httpx
import psutil

from tests.e2e.stack import Stack, running_stack

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


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * (len(ordered) - 1) + 0.5))]


def sequential(stack: Stack, rounds: int) -> list[float]:
    """One conversation at a time: the latency a single user sees."""
    latencies = []
    with httpx.Client(timeout=30) as client:
        for i in range(rounds):
            text = QUESTIONS[i % len(QUESTIONS)]
            started = time.perf_counter()
            response = client.post(
                f"{stack.url}/api/chat",
                json={"sender_id": f"b-{uuid.uuid4().hex[:8]}", "text": text},
            )
            response.raise_for_status()
            latencies.append(time.perf_counter() - started)
    return latencies


async def concurrent(stack: Stack, users: int, per_user: int) -> tuple[list[float], float, int]:
    """Several users at once: latency under load and throughput."""
    latencies: list[float] = []
    errors = 0

    async def user(client: httpx.AsyncClient, n: int) -> None:
        nonlocal errors
        sender = f"c-{n}-{uuid.uuid4().hex[:6]}"
        for i in range(per_user):
            started = time.perf_counter()
            response = await client.post(
                f"{stack.url}/api/chat",
                json={"sender_id": sender, "text": QUESTIONS[(n + i) % len(QUESTIONS)]},
            )
            latencies.append(time.perf_counter() - started)
            errors += response.status_code != 200

    started = time.perf_counter()
    async with httpx.AsyncClient(timeout=60) as client:
        await asyncio.gather(*(user(client, n) for n in range(users)))
    return latencies, time.perf_counter() - started, errors


def memory(stack: Stack) -> dict[str, float]:
    """Resident memory (MiB) of each process tree."""
    result = {}
    for name, proc in stack.procs.items():
        try:
            parent = psutil.Process(proc.pid)
            rss = parent.memory_info().rss + sum(
                c.memory_info().rss for c in parent.children(recursive=True)
            )
            result[name] = rss / 2**20
        except psutil.Error:
            result[name] = float("nan")
    return result


def retrieval(rounds: int) -> list[float]:
    """In-process knowledge retrieval latency (no HTTP, no NLU)."""
    from knowledge.answer import answer

    answer(text="预热")
    latencies = []
    for i in range(rounds):
        started = time.perf_counter()
        answer(text=QUESTIONS[i % len(QUESTIONS)])
        latencies.append(time.perf_counter() - started)
    return latencies


def report(name: str, values: list[float]) -> None:
    ms = [v * 1000 for v in values]
    print(
        f"  {name:34s} n={len(ms):4d}  p50={statistics.median(ms):7.1f} ms  p95={percentile(ms, 0.95):7.1f} ms  max={max(ms):7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--per-user", type=int, default=10)
    args = parser.parse_args()
    print("== knowledge retrieval (in process) ==")
    report("answer()", retrieval(500))
    with running_stack() as stack:
        sequential(stack, 5)  # warm-up
        print("== /api/chat through Rasa + actions + app ==")
        report("sequential, 1 user", sequential(stack, args.rounds))
        latencies, elapsed, errors = asyncio.run(concurrent(stack, args.users, args.per_user))
        report(f"concurrent, {args.users} users", latencies)
        print(f"  throughput {len(latencies) / elapsed:.1f} req/s, errors {errors}")
        print("== resident memory (MiB) ==")
        for name, mib in memory(stack).items():
            print(f"  {name:10s} {mib:8.1f}")


if __name__ == "__main__":
    main()
