"""The profile page: roles, two-factor status, and where to change things."""

from __future__ import annotations

from wellled.accounts.tests.support import enrol, post_password, verify_url


def test_the_profile_needs_a_login(client, db) -> None:
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_it_lists_roles_and_offers_two_factor_set_up(client_for) -> None:
    body = client_for("service_lead").get("/account/").content.decode()
    assert "Service lead at Community mental health" in body
    assert "Off</strong>" in body
    assert 'href="/account/two-factor/setup/"' in body
    assert 'href="/account/password/"' in body
    assert body.count("<h1") == 1


def test_someone_without_roles_is_told_whom_to_ask(client_for) -> None:
    body = client_for("outsider").get("/account/").content.decode()
    assert "You have no roles yet" in body


def test_with_two_factor_on_it_shows_backup_codes_left(client, staff_member) -> None:
    _, codes = enrol(staff_member)
    post_password(client, "staff_member")
    client.post(verify_url(), {"code": codes[0]})
    body = client.get("/account/").content.decode()
    assert "On</strong>" in body
    assert "You have 9 backup codes left" in body
    assert 'href="/account/two-factor/backup-codes/"' in body
    assert "on a new phone" in body
