"""Subsidies' pages; each area's views module lists its own ``urlpatterns``."""

app_name = "subsidies"
urlpatterns: list = []
