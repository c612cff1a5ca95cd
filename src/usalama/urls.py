from django.contrib import admin
from django.urls import include, path

from usalama.api.main import api
from usalama.desk import case_money as desk_case_money
from usalama.desk import incidents as desk_incidents
from usalama.desk import views as desk_views

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("network/", include("usalama.network.urls")),
    path("policing/incidents/", desk_incidents.incident_list, name="incidents"),
    path("policing/incidents/<int:incident_id>/", desk_incidents.incident_detail, name="incident"),
    path(
        "policing/incidents/<int:incident_id>/assign/",
        desk_incidents.incident_assign,
        name="incident_assign",
    ),
    path("policing/", include("usalama.policing.urls")),
    path("money/", include("usalama.money.urls")),
    path("resolve/", include("usalama.resolve.urls")),
    path(
        "cases/<slug:reference>/money-traces/",
        desk_case_money.attach_view,
        name="case_money",
    ),
    path(
        "cases/<slug:reference>/money-traces/<int:trace_id>/remove/",
        desk_case_money.remove_view,
        name="case_money_remove",
    ),
    path("cases/", include("usalama.cases.urls")),
    path("watchlists/", include("usalama.watchlists.urls")),
    path("records/", include("usalama.records.urls")),
    path("", include("usalama.administration.urls")),
    path("sharing/", include("usalama.sharing.urls")),
    path("oversight/", include("usalama.oversight.urls")),
    path("wellness/", include("usalama.wellness.urls")),
    path("public/", include("usalama.public.urls")),
    path("kpis/", include("usalama.kpis.urls")),
    # /community/... (staff) and /public/barazas/ (no login), one namespace
    path("", include("usalama.community.urls")),
    path("comms/", include("usalama.comms.urls")),
    path(
        "intake/triage/<str:kind>/<int:item_id>/incident/",
        desk_views.convert,
        name="desk_convert",
    ),
    # /report/, /tip/ (codes by POST only), /intake/triage/ and /webhooks/<gateway>/
    path("", include("usalama.intake.urls")),
    path("", include("usalama.web.urls")),
]

handler404 = "usalama.web.views.not_found"
handler500 = "usalama.web.views.server_error"
