from django.urls import path

from wellled.speakup import reporting_views as views

app_name = "speakup_reports"

urlpatterns = [
    path("", views.board, name="board"),
    path("national-return/", views.national_return, name="return"),
    path("national-return.csv", views.national_return_csv, name="return_csv"),
    path("national-return.xlsx", views.national_return_xlsx, name="return_xlsx"),
]
