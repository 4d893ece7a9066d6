from django.urls import path

from wellled.learning import views

app_name = "learning"

urlpatterns = [
    path("", views.library, name="library"),
    path("shared/<int:pk>/", views.share_detail, name="share"),
    path("shared/<int:pk>/read/", views.confirm_read, name="confirm_read"),
    path("complaints/<int:pk>/", views.case_learning, name="case"),
    path("complaints/<int:pk>/share/", views.share_new, name="share_new"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("read-rates/", views.read_rates, name="read_rates"),
    path("you-said-we-did/", views.you_said_we_did, name="you_said_we_did"),
    path("you-said-we-did/new/", views.you_said_we_did_new, name="you_said_we_did_new"),
    path(
        "you-said-we-did/<int:pk>/withdraw/",
        views.you_said_we_did_withdraw,
        name="you_said_we_did_withdraw",
    ),
]
