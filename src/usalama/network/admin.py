from django.contrib import admin

from usalama.network.models import SavedChart


@admin.register(SavedChart)
class SavedChartAdmin(admin.ModelAdmin[SavedChart]):
    list_display = ("name", "owner", "agency", "created_at")
    list_filter = ("agency",)
    readonly_fields = ("owner", "agency", "layout", "created_at")
