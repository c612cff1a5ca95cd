from django.urls import path

from usalama.sharing import views

app_name = "sharing"

urlpatterns = [
    path("", views.index, name="index"),
    path("grants/new/", views.grant, name="grant"),
    path("grants/<int:grant_id>/revoke/", views.revoke, name="revoke"),
    path("grants/<int:grant_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("entities/new/", views.share_entities, name="share_entities"),
    path("entities/<int:grant_id>/", views.entity_grant, name="entity_grant"),
    path("entities/<int:grant_id>/revoke/", views.revoke_entity_grant, name="revoke_entities"),
    path(
        "entities/<int:grant_id>/acknowledge/",
        views.acknowledge_entity_grant,
        name="acknowledge_entities",
    ),
    path("cases/grant/", views.grant_case, name="grant_case"),
    path("cases/<int:share_id>/revoke/", views.revoke_case_grant, name="revoke_case"),
    path("requests/", views.requests, name="requests"),
    path("requests/new/", views.new_request, name="new_request"),
    path("requests/<int:request_id>/", views.request_detail, name="request"),
    path("requests/<int:request_id>/decide/", views.decide, name="decide"),
    path("holders/", views.holders, name="holders"),
    path("log/", views.log, name="log"),
    path("operations/", views.operations, name="operations"),
    path("operations/<int:operation_id>/outcome/", views.outcome, name="outcome"),
]
