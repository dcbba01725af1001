"""Subsidies' forms; one module per area."""
