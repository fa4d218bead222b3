"""`make eval`: score every dev set of the dev.yml format (dev.yml, currency-dev.yml) on a fresh stack (or --url).

Each file is scored on its own and reported under its name: add a new set to DEV_SETS (same format) or give
`--set FILE` (repeatable). A set of another format gets its own scorer in SCORERS; a file of dialogues
(dialogues-dev.yml, and our own held-out tests/e2e/data/dialogues-held-out.yml) is played by the dev set's runner.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.e2e.stack import ROOT, SERVICE_TOKEN, running_stack

# ../shared/eval beside the repo (a worktree under /work/wt/<name> finds it two levels up)
EVAL_DIR = next(
    (
        p / "shared" / "eval"
        for p in (ROOT.parent, ROOT.parent.parent)
        if (p / "shared" / "eval").is_dir()
    ),
    ROOT.parent / "shared" / "eval",
)
DEV_SETS = ("dev.yml", "currency-dev.yml", "safety-dev.yml", "dialogues-dev.yml")
# our own held-out conversations (issue 11), measured beside the dev sets and never tuned on
OWN_SETS = (ROOT / "tests" / "e2e" / "data" / "dialogues-held-out.yml",)
NUMBER = {n: re.compile(rf"(?<![0-9]){n}(?![0-9])") for n in ("110", "119", "120")}
DEFAULT_SET = EVAL_DIR / "dev.yml"


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
    from api.triage.schemas import TriageResponse
    from knowledge.triage.evaluate import score

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


def _print(title: str, values: dict[str, Any]) -> None:
    """One block of metrics."""
    print(f"\n== {title} ==")
    for key, value in values.items():
        print(f"  {key:20s} {value:.3f}" if isinstance(value, float) else f"  {key:20s} {value}")


@dataclass(frozen=True)
class Target:
    """The stack under test: public URL, internal listener and its service token."""

    url: str
    internal_url: str
    token: str


def score_dev_format(
    target: Target, data: dict[str, Any], name: str, verbose: bool
) -> dict[str, Any]:
    """Questions (and complaints, when present) of one dev.yml-format file."""
    results: dict[str, Any] = {}
    print(f"\n######## {name} ########")
    if data.get("questions"):
        results["questions"] = score_questions(target.url, data["questions"], verbose)
        _print(f"{name} questions", results["questions"])
    if data.get("complaints"):
        results["complaints"] = score_complaints(
            target.internal_url, data["complaints"], verbose, token=target.token
        )
        _print(f"{name} complaints", results["complaints"])
    return results


def score_safety(target: Target, data: dict[str, Any], name: str, verbose: bool) -> dict[str, Any]:
    """Emergencies advised with their number through /api/chat; no number at all for the contrasts."""
    print(f"\n######## {name} ########")
    emergencies = caught = contrasts = alarms = 0
    with httpx.Client(timeout=60) as client:
        for q in data.get("questions", []):
            body = client.post(
                f"{target.url}/api/chat",
                json={"sender_id": f"ev-{uuid.uuid4().hex}", "text": q["text"]},
            ).json()
            text = reply_text(body)
            if q["emergency"] == "none":
                contrasts += 1
                if any(p.search(text) for p in NUMBER.values()):
                    alarms += 1
                    if verbose:
                        print(f"  ✗ false alarm {q['id']}")
                continue
            emergencies += 1
            ok = all(
                any(NUMBER[a].search(text) if a in NUMBER else a in text for a in g)
                for g in q["expect"]
            )
            caught += ok
            if verbose and not ok:
                print(f"  ✗ missed {q['id']}")
    results: dict[str, Any] = {
        "questions": {
            "emergency_recall": caught / max(1, emergencies),
            "false_alarm_rate": alarms / max(1, contrasts),
            "in_scope": caught / max(1, emergencies),
        }
    }
    _print(f"{name} questions", results["questions"])
    if data.get("complaints"):
        results["complaints"] = score_complaints(
            target.internal_url, data["complaints"], verbose, token=target.token
        )
        _print(f"{name} complaints", results["complaints"])
    return results


def score_dialogues(target: Target, path: Path, verbose: bool) -> dict[str, Any]:
    """Play the multi-turn conversations with the dev set's runner (../shared/eval/dialogues.py)."""
    print(f"\n######## {path.name} ########")
    runner = EVAL_DIR / "dialogues.py"
    command = [sys.executable, str(runner), str(path), "--base", target.url]
    done = subprocess.run([*command, *(["-v"] if verbose else [])], capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    if verbose:
        print("\n".join(lines[:-1]))
    print(lines[-1] if lines else done.stderr[-500:])
    return {}


# file name → scorer; files not listed use the dev.yml format, or the runner's when they hold dialogues
SCORERS: dict[str, Any] = {"safety-dev.yml": score_safety}


def score_file(target: Target, path: Path, verbose: bool) -> dict[str, Any]:
    """Score one evaluation file with the scorer of its format."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if "dialogues" in data:
        return score_dialogues(target, path, verbose)
    scorer = SCORERS.get(path.name, score_dev_format)
    return scorer(target, data, path.name, verbose)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--set",
        type=Path,
        action="append",
        default=None,
        help=f"evaluation file (repeatable; default: {', '.join(DEV_SETS)} in {EVAL_DIR})",
    )
    parser.add_argument("--url", default="", help="score a stack that is already running")
    parser.add_argument(
        "--internal-url",
        default="",
        help="that stack's internal listener (default 127.0.0.1:INTERNAL_PORT, token from settings)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list failures")
    args = parser.parse_args()
    paths = args.set or [
        *(EVAL_DIR / name for name in DEV_SETS if (EVAL_DIR / name).is_file()),
        *(p for p in OWN_SETS if p.is_file() and (EVAL_DIR / "dialogues.py").is_file()),
    ]
    if not paths:
        parser.error(f"no evaluation files found in {EVAL_DIR}")

    def run(url: str, internal_url: str, token: str) -> None:
        target = Target(url=url, internal_url=internal_url, token=token)
        summary = {}
        for path in paths:
            result = score_file(target, path, args.verbose)
            if "questions" in result:
                summary[path.name] = result["questions"]["in_scope"]
        _print("summary (in-scope questions passed)", summary)

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
