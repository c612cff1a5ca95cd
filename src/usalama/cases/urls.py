from django.urls import path

from usalama.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.open_case, name="open"),
    path("justice/", views.justice, name="justice"),
    path("justice/kpis.csv", views.justice_csv, name="justice_csv"),
    path("justice/events.csv", views.justice_events, name="justice_events"),
    path("<slug:reference>/", views.case_page, name="case"),
    path("<slug:reference>/references/", views.references, name="references"),
    path("<slug:reference>/events/", views.record_event, name="event"),
    path("<slug:reference>/parties/", views.add_party, name="party"),
    path("<slug:reference>/offences/", views.add_offence, name="offence"),
    path("<slug:reference>/exhibits/", views.add_exhibit, name="exhibit"),
    path("<slug:reference>/exhibits/<int:exhibit_id>/custody/", views.custody, name="custody"),
    path("<slug:reference>/share/", views.share, name="share"),
    path("<slug:reference>/mla/", views.add_mla, name="mla"),
    path("<slug:reference>/mla/<int:request_id>/", views.mla_status, name="mla_status"),
    path("<slug:reference>/notices/", views.add_notice, name="notice"),
    path("<slug:reference>/disclosure/", views.disclosure, name="disclosure"),
    path(
        "<slug:reference>/disclosure/<int:bundle_id>.zip",
        views.disclosure_download,
        name="disclosure_download",
    ),
]
