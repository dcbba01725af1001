# The module-scoped ``seeded_demo`` fixture lives in the top-level conftest.py, for tests/ too.
