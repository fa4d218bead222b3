"""Rasa custom actions: thin HTTP clients of the app, no business logic."""

from actions.answer import ActionAnswerPolicy

__all__ = ["ActionAnswerPolicy"]
