"""Reads of the health app; one module per area (access, growth, schedule, outbreaks)."""
