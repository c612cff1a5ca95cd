from django.urls import path

from usalama.resolve import views

app_name = "resolve"

urlpatterns = [
    path("", views.review, name="index"),
    path("review/", views.review, name="review"),
    path("review/<int:pair_id>/", views.pair, name="pair"),
    path("review/<int:pair_id>/judge/", views.judge, name="judge"),
    path("canonical/<str:canonical_id>/", views.canonical, name="canonical"),
    path("merges/<int:merge_id>/undo/", views.undo, name="undo"),
    path("runs/", views.runs, name="runs"),
    path("runs/<int:run_id>/", views.run, name="run"),
]
