from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "wellled.accounts"
    label = "accounts"
    verbose_name = "Accounts and login"
