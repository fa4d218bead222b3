"""Custom Rasa graph components for Chinese (engine runtime)."""
