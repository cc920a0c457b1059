"""The administrator's pages, mounted at /manage/ (namespace "manage")."""

from django.urls import path

from assessments.views import organisations, people, people_import, periods
from assessments.views.external import external_values
from assessments.views.imports import import_levels

app_name = "manage"

urlpatterns = [
    path("", organisations.index, name="index"),
    path("<slug:code>/", organisations.instansi_home, name="instansi"),
    path("<slug:code>/opd/", organisations.opd_list, name="opd_list"),
    path("<slug:code>/opd/baru/", organisations.opd_edit, name="opd_create"),
    path("<slug:code>/opd/<int:pk>/", organisations.opd_edit, name="opd_edit"),
    path("<slug:code>/kabupaten-kota/", organisations.child_instansi, name="children"),
    path("<slug:code>/pengguna/", people.user_list, name="user_list"),
    path("<slug:code>/pengguna/baru/", people.user_create, name="user_create"),
    path("<slug:code>/pengguna/impor/", people_import.people_import_page, name="people_import"),
    path(
        "<slug:code>/pengguna/impor/templat.xlsx",
        people_import.people_import_template,
        name="people_import_template",
    ),
    path("<slug:code>/pengguna/<int:pk>/", people.user_detail, name="user_detail"),
    path("<slug:code>/pengguna/<int:pk>/aktif/", people.user_active, name="user_active"),
    path(
        "<slug:code>/pengguna/<int:pk>/surel-sandi/",
        people.user_password_email,
        name="user_password_email",
    ),
    path("<slug:code>/pengguna/<int:pk>/peran/", people.membership_add, name="membership_add"),
    path(
        "<slug:code>/pengguna/<int:pk>/peran/<int:membership_pk>/hapus/",
        people.membership_remove,
        name="membership_remove",
    ),
    path("<slug:code>/pengguna/<int:pk>/pindah/", people.officer_move, name="officer_move"),
    path("<slug:code>/periode/", periods.period_list, name="period_list"),
    path("<slug:code>/periode/baru/", periods.period_create, name="period_create"),
    path("<slug:code>/periode/<int:year>/", periods.period_detail, name="period_detail"),
    path("<slug:code>/periode/<int:year>/ubah/", periods.period_edit, name="period_edit"),
    path(
        "<slug:code>/periode/<int:year>/pemegang-peran/",
        people.period_roster,
        name="period_roster",
    ),
    path("<slug:code>/periode/<int:year>/hapus/", periods.period_delete, name="period_delete"),
    path(
        "<slug:code>/periode/<int:year>/status/",
        periods.period_transition,
        name="period_transition",
    ),
    path(
        "<slug:code>/periode/<int:year>/status-mundur/",
        periods.period_step_back,
        name="period_step_back",
    ),
    path("<slug:code>/periode/<int:year>/penugasan/", periods.assignments, name="assignments"),
    path("<slug:code>/periode/<int:year>/nilai-akhir/", periods.final_levels, name="final_levels"),
    path("<slug:code>/periode/<int:year>/impor/", import_levels, name="import_levels"),
    path("<slug:code>/periode/<int:year>/eksternal/", external_values, name="external_values"),
]
