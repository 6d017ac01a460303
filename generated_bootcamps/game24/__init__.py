"""The 24-game bootcamp (see bootcamp.py)."""
