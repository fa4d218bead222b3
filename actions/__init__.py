"""Rasa custom actions: thin HTTP clients of the app, no business logic.

rasa_sdk imports every submodule of this package, so each flow lives in its own module.
"""
