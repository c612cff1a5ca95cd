from django.urls import path

from usalama.watchlists import views

app_name = "watchlists"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:watchlist_id>/", views.detail, name="detail"),
    path("<int:watchlist_id>/import/", views.import_entries, name="import"),
    path("<int:watchlist_id>/grant/", views.grant, name="grant"),
    path("alerts/", views.inbox, name="inbox"),
    path("alerts/<int:alert_id>/", views.alert, name="alert"),
    path("alerts/<int:alert_id>/decide/", views.decide, name="decide"),
    path("map/", views.live_map, name="map"),
    path("map/hits.json", views.map_hits, name="map_hits"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("subscriptions/<int:subscription_id>/delete/", views.unsubscribe, name="unsubscribe"),
]
