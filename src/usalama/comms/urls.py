from django.urls import path

from usalama.comms import views

app_name = "comms"

urlpatterns = [
    path("", views.index, name="index"),
    path("cells", views.cells, name="cells"),
    path("<int:collection_id>/", views.analysis, name="analysis"),
]
