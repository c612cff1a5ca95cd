from django.contrib import admin
from django.urls import include, path

from usalama.api.main import api
from usalama.desk import views as desk_views

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("network/", include("usalama.network.urls")),
    path("policing/", include("usalama.policing.urls")),
    path("money/", include("usalama.money.urls")),
    path("resolve/", include("usalama.resolve.urls")),
    path("records/", include("usalama.records.urls")),
    path("oversight/", include("usalama.oversight.urls")),
    path("wellness/", include("usalama.wellness.urls")),
    path(
        "intake/triage/<str:kind>/<int:item_id>/incident/",
        desk_views.convert,
        name="desk_convert",
    ),
    # /report/, /tip/<code>/, /intake/triage/ and /webhooks/<gateway>/<secret>/
    path("", include("usalama.intake.urls")),
    path("", include("usalama.web.urls")),
]

handler404 = "usalama.web.views.not_found"
handler500 = "usalama.web.views.server_error"
