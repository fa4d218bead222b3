"""Complaint and hand-off store: filing, ticket numbers, status lookup and event history."""
