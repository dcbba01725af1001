from typing import Any

from django.contrib import admin
from django.contrib.admin import ModelAdmin, TabularInline
from django.http import HttpRequest

from tuoyu.regions.models import Population, Region


class PopulationInline(TabularInline):
    model = Population
    extra = 0


@admin.register(Region)
class RegionAdmin(ModelAdmin):
    list_display = ["code", "name", "level", "parent", "growth_standard"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    readonly_fields = ["path"]
    inlines = [PopulationInline]

    def save_model(self, request: HttpRequest, obj: Region, form: Any, change: bool) -> None:
        obj.path = f"{obj.parent.path if obj.parent else ''}{obj.code}/"
        super().save_model(request, obj, form, change)
