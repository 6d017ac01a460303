"""The dice probability bootcamp (see bootcamp.py)."""
