"""The knapsack bootcamp (see bootcamp.py)."""
