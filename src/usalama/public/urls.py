from django.urls import path

from usalama.public import views

app_name = "public"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("area/<str:level>/<str:code>/", views.area, name="area"),
    path("response-times/", views.response_times, name="response"),
    path("complaints/", views.complaints, name="complaints"),
    path("courts/", views.courts, name="courts"),
    path("privacy/", views.privacy, name="privacy"),
    path("downloads/", views.downloads, name="downloads"),
    path("downloads/statistics.csv", views.download_csv, name="csv"),
    path("downloads/statistics.geojson", views.download_geojson, name="geojson"),
]
