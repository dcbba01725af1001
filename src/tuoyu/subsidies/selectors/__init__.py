"""Subsidies' reads; one module per area."""
