"""Hotline staff console: the HTML/CSS/JS pages served at /console (the data comes from /api/staff)."""
