"""Guided conversations: the operator checklist, the leave calculator, intent clarification and hand-off to staff."""
