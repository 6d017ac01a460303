"""The self-test's checks, one function per check id, in the order they run.

Each takes the shared `Context` and returns a `CheckResult`. A check that finds a problem says
what is wrong in the bootcamp's own terms and gives one minimal example as evidence.
"""
