from django.urls import path

from usalama.web import sso, views

app_name = "web"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", views.login_view, name="login"),
    path("login/sso/callback/", sso.sso_callback, name="sso_callback"),
    path("login/sso/<slug:slug>/", sso.sso_start, name="sso_start"),
    path("otp/", views.otp_view, name="otp"),
    path("logout/", views.logout_view, name="logout"),
    path("search/", views.search, name="search"),
    path("entities/<str:entity_id>/", views.entity, name="entity"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("geo/basemap.json", views.basemap_data, name="basemap_data"),
]
