from django.urls import path

from wellled.organisation import views

app_name = "organisation"

urlpatterns = [
    path("", views.unit_tree, name="tree"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("units/<int:pk>/add/", views.unit_add, name="unit_add"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/move/", views.unit_move, name="unit_move"),
    path("units/<int:pk>/close/", views.unit_close, name="unit_close"),
    path("units/<int:pk>/reopen/", views.unit_reopen, name="unit_reopen"),
    path("staff/", views.staff_list, name="staff"),
    path("staff/add/", views.staff_add, name="staff_add"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/active/", views.staff_set_active, name="staff_set_active"),
    path("people/", views.people, name="people"),
    path("people/add/", views.login_add, name="login_add"),
    path("people/<int:pk>/", views.person, name="person"),
    path(
        "people/<int:pk>/two-factor/reset/",
        views.person_two_factor_reset,
        name="person_two_factor_reset",
    ),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
    path("import/", views.import_units, name="import"),
    path("import/template.csv", views.import_template, name="import_template"),
]
