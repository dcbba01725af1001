"""Subsidies' API; each area's module lists its own ``urlpatterns``."""

urlpatterns: list = []
