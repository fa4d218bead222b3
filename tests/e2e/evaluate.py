"""`make eval`: score ../shared/eval/dev.yml against a freshly started stack (or --url), per topic."""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.e2e.stack import ROOT, SERVICE_TOKEN, running_stack

DEFAULT_SET = ROOT.parent / "shared" / "eval" / "dev.yml"


def reply_text(body: dict[str, Any]) -> str:
    """All bot messages of the turn, concatenated (as the eval README defines)."""
    return "\n".join(m.get("text", "") for m in body.get("messages", []))


def passes(expect: list[list[str]], text: str) -> bool:
    """Every group must have at least one alternative as a plain substring."""
    return all(any(alt in text for alt in group) for group in expect)


def score_questions(url: str, questions: list[dict[str, Any]], verbose: bool) -> dict[str, Any]:
    """Send each question as the first message of a fresh conversation and judge the reply."""
    per_topic: dict[str, list[bool]] = defaultdict(list)
    tp = fp = fn = 0
    latencies: list[float] = []
    failures: list[str] = []
    with httpx.Client(timeout=30) as client:
        for q in questions:
            started = time.perf_counter()
            response = client.post(
                f"{url}/api/chat",
                json={"sender_id": f"eval-{uuid.uuid4().hex[:10]}", "text": q["text"]},
            )
            latencies.append(time.perf_counter() - started)
            body = (
                response.json()
                if response.status_code == 200
                else {"messages": [], "kind": "error"}
            )
            text, kind = reply_text(body), body.get("kind")
            oos_expected = bool(q.get("expect_out_of_scope"))
            said_oos = kind == "out_of_scope"
            if oos_expected:
                ok = said_oos
                tp += said_oos
                fn += not said_oos
            else:
                ok = not said_oos and passes(q.get("expect", []), text)
                fp += said_oos
            per_topic[q.get("topic", "?")].append(ok)
            if not ok:
                failures.append(f"  ✗ {q['id']} [{q.get('topic')}] kind={kind}: {text[:160]!r}")
    in_scope = [ok for topic, oks in per_topic.items() if topic != "out_of_scope" for ok in oks]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print("\n== questions by topic ==")
    for topic in sorted(per_topic):
        oks = per_topic[topic]
        print(f"  {topic:28s} {sum(oks)}/{len(oks)}")
    if verbose and failures:
        print("\n== failures ==\n" + "\n".join(failures))
    lat_sorted = sorted(latencies)
    result = {
        "in_scope_pass_rate": sum(in_scope) / len(in_scope) if in_scope else 0.0,
        "in_scope": f"{sum(in_scope)}/{len(in_scope)}",
        "oos_precision": precision,
        "oos_recall": recall,
        "oos_f1": f1,
        "latency_p50_ms": 1000 * statistics.median(latencies) if latencies else 0.0,
        "latency_p95_ms": 1000 * lat_sorted[int(0.95 * (len(lat_sorted) - 1))]
        if latencies
        else 0.0,
    }
    return result


def score_complaints(
    url: str, complaints: list[dict[str, Any]], verbose: bool, *, token: str
) -> dict[str, Any]:
    """Triage each complaint through POST /api/triage on the internal listener (service token)."""
    from api.triage.evaluate import score
    from api.triage.schemas import TriageResponse

    client = httpx.Client(timeout=30, headers={"Authorization": f"Bearer {token}"})

    def predict(text: str) -> TriageResponse:
        response = client.post(f"{url}/api/triage", json={"text": text})
        response.raise_for_status()
        return TriageResponse.model_validate(response.json())

    with client:
        result = score(complaints, predict=predict)
    if verbose:
        for failure in result.get("failures", []):
            print(f"  ✗ {failure}")
    return {k: v for k, v in result.items() if k != "failures"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--set", type=Path, default=DEFAULT_SET, help="evaluation file (dev.yml format)"
    )
    parser.add_argument("--url", default="", help="score a stack that is already running")
    parser.add_argument(
        "--internal-url",
        default="",
        help="that stack's internal listener (default 127.0.0.1:INTERNAL_PORT, token from settings)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list failures")
    args = parser.parse_args()
    data = yaml.safe_load(args.set.read_text(encoding="utf-8"))

    def run(url: str, internal_url: str, token: str) -> None:
        q = score_questions(url, data.get("questions", []), args.verbose)
        print("\n== questions ==")
        for key, value in q.items():
            print(
                f"  {key:20s} {value:.3f}" if isinstance(value, float) else f"  {key:20s} {value}"
            )
        if data.get("complaints"):
            c = score_complaints(internal_url, data["complaints"], args.verbose, token=token)
            if c is not None:
                print("\n== complaints ==")
                for key, value in c.items():
                    print(
                        f"  {key:20s} {value:.3f}"
                        if isinstance(value, float)
                        else f"  {key:20s} {value}"
                    )

    if args.url:
        from api.config import get_settings

        settings = get_settings()
        internal = args.internal_url or f"http://127.0.0.1:{settings.internal_port}"
        run(args.url.rstrip("/"), internal.rstrip("/"), settings.service_token)
    else:
        with running_stack() as stack:
            run(stack.url, stack.internal_url, SERVICE_TOKEN)


if __name__ == "__main__":
    main()
