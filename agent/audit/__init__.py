"""`campforge audit`: existing bootcamp libraries through campforge's sandboxed self-test.

- `internbootcamp`: finding InternBootcamp-style modules, reading them statically, writing the
  adapter that puts one through the contract; `ib_support` runs beside it in the sandbox.
- `detect`: what a module lacks, found by probing it in the sandbox (its answer key and format).
- `core`: sources, one bootcamp's audit (its row), the parallel audit.
- `store`: rows kept in the workspace's database, so an audit resumes.
- `table`: the Rich table and the counts per check.
"""
