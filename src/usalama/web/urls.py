from django.urls import path

from usalama.web import views

app_name = "web"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", views.login_view, name="login"),
    path("otp/", views.otp_view, name="otp"),
    path("logout/", views.logout_view, name="logout"),
    path("search/", views.search, name="search"),
    path("entities/<str:entity_id>/", views.entity, name="entity"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("geo/basemap.json", views.basemap_data, name="basemap_data"),
]
