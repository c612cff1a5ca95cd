from django.urls import path

from usalama.records import views

app_name = "records"

urlpatterns = [
    path("", views.collections, name="collections"),
    path("collections/<int:collection_id>/export/", views.export, name="export"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:job_id>/", views.job, name="job"),
    path("imports/<int:job_id>/errors.csv", views.job_errors, name="job_errors"),
]
