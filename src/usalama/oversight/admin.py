from django.contrib import admin

from usalama.oversight.models import Officer


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("service_number", "name", "rank", "agency")
    search_fields = ("service_number", "name")
