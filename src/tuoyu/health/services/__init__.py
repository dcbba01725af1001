"""Business rules of the health app; one module per area (access, growth, care, outbreaks)."""
