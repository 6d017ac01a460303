"""The SAT assignment bootcamp (see bootcamp.py)."""
