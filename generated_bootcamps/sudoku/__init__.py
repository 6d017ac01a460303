"""The Sudoku bootcamp (see bootcamp.py)."""
