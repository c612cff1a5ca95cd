from django.urls import path

from usalama.administration import views

app_name = "administration"

urlpatterns = [
    path("admin-console/", views.users, name="users"),
    path("admin-console/users/new/", views.user_create, name="user_create"),
    path("admin-console/users/<int:user_id>/", views.user_detail, name="user"),
    path("admin-console/users/<int:user_id>/roles/", views.user_roles, name="user_roles"),
    path("admin-console/users/<int:user_id>/active/", views.user_active, name="user_active"),
    path(
        "admin-console/users/<int:user_id>/second-factor/",
        views.user_second_factor,
        name="user_second_factor",
    ),
    path("admin-console/users/<int:user_id>/password/", views.user_password, name="user_password"),
    path(
        "admin-console/users/<int:user_id>/tokens/<int:token_id>/revoke/",
        views.user_token_revoke,
        name="user_token_revoke",
    ),
    path("admin-console/sensors/", views.sensors, name="sensors"),
    path(
        "admin-console/sensors/<int:token_id>/revoke/",
        views.sensor_revoke,
        name="sensor_revoke",
    ),
    path("admin-console/agencies/", views.agencies, name="agencies"),
    path("admin-console/agencies/<int:agency_id>/", views.agency_edit, name="agency"),
    path("admin-console/settings/", views.settings_view, name="settings"),
    path("audit/", views.audit, name="audit"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
    path("audit/verify/", views.audit_verify, name="audit_verify"),
]
