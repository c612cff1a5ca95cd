from django.urls import path

from usalama.network import views

app_name = "network"

urlpatterns = [
    path("", views.chart, name="chart"),
    path("api/expand", views.api_expand, name="api-expand"),
    path("api/path", views.api_path, name="api-path"),
    path("api/search", views.api_search, name="api-search"),
    path("api/node/<str:node>", views.api_node, name="api-node"),
    path("api/provenance", views.api_provenance, name="api-provenance"),
    path("api/subgraph", views.api_subgraph, name="api-subgraph"),
    path("api/scores", views.api_scores, name="api-scores"),
    path("api/export/<str:fmt>", views.api_export, name="api-export"),
    path("api/charts", views.api_charts, name="api-charts"),
    path("api/charts/<int:chart_id>", views.api_chart, name="api-chart"),
]
