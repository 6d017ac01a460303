"""The Vigenère cipher bootcamp (see bootcamp.py)."""
