from django.contrib import admin

from usalama.watchlists.models import Entry, Watchlist, WatchlistAlert


@admin.register(Watchlist)
class WatchlistAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("label", "kind", "agency", "active")


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("caption", "schema", "watchlist", "expires_at", "active")


@admin.register(WatchlistAlert)
class AlertAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("record_caption", "entry", "agency", "status", "score", "created_at")
