"""Subsidies' pages; each area's views module lists its own ``urlpatterns``."""
