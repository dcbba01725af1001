"""Subsidies' business rules; one module per area (policies, claims, decisions, ledger)."""
