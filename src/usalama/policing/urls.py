from django.urls import path

from usalama.policing import views

app_name = "policing"

urlpatterns = [
    path("", views.index, name="index"),
    path("response-times/", views.response_times, name="response_times"),
    path("response-times/export.csv", views.response_times_export, name="response_times_export"),
    path("hotspots/", views.hotspots, name="hotspots"),
]
