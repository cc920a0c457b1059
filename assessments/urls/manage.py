"""The administrator's pages, mounted at /manage/ (namespace "manage")."""

from django.urls import path

from assessments.views import manage as views
from assessments.views.external import external_values
from assessments.views.imports import import_levels

app_name = "manage"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.instansi_home, name="instansi"),
    path("<slug:code>/opd/", views.opd_list, name="opd_list"),
    path("<slug:code>/opd/baru/", views.opd_edit, name="opd_create"),
    path("<slug:code>/opd/<int:pk>/", views.opd_edit, name="opd_edit"),
    path("<slug:code>/kabupaten-kota/", views.child_instansi, name="children"),
    path("<slug:code>/pengguna/", views.user_list, name="user_list"),
    path("<slug:code>/pengguna/baru/", views.user_create, name="user_create"),
    path("<slug:code>/pengguna/<int:pk>/", views.user_detail, name="user_detail"),
    path("<slug:code>/pengguna/<int:pk>/aktif/", views.user_active, name="user_active"),
    path(
        "<slug:code>/pengguna/<int:pk>/surel-sandi/",
        views.user_password_email,
        name="user_password_email",
    ),
    path("<slug:code>/pengguna/<int:pk>/peran/", views.membership_add, name="membership_add"),
    path(
        "<slug:code>/pengguna/<int:pk>/peran/<int:membership_pk>/hapus/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("<slug:code>/periode/", views.period_list, name="period_list"),
    path("<slug:code>/periode/baru/", views.period_create, name="period_create"),
    path("<slug:code>/periode/<int:year>/", views.period_detail, name="period_detail"),
    path("<slug:code>/periode/<int:year>/ubah/", views.period_edit, name="period_edit"),
    path("<slug:code>/periode/<int:year>/hapus/", views.period_delete, name="period_delete"),
    path(
        "<slug:code>/periode/<int:year>/status/",
        views.period_transition,
        name="period_transition",
    ),
    path("<slug:code>/periode/<int:year>/penugasan/", views.assignments, name="assignments"),
    path("<slug:code>/periode/<int:year>/nilai-akhir/", views.final_levels, name="final_levels"),
    path("<slug:code>/periode/<int:year>/impor/", import_levels, name="import_levels"),
    path("<slug:code>/periode/<int:year>/eksternal/", external_values, name="external_values"),
]
