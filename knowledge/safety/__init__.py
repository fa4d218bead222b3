"""The emergency layer every channel shares: a child in danger right now gets 110 / 119 / 120 first."""

from knowledge.safety.detector import SafetyResult, advice, detect, model

__all__ = ["SafetyResult", "advice", "detect", "model"]
