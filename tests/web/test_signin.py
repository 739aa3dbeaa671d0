"""Signing in and out through the pages: sessions that end at once, the lock-out, CSRF
on every form post, secure cookies, personal API tokens, and only hashes in the store."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from goodwill.web import guard
from tests.web.conftest import WEEK
from tests.web.people import PEOPLE, sign_in

#: every form post of the pages, with a body that would otherwise be accepted
POSTS = [
    ("/plan", {"week": WEEK}),
    ("/score", {}),
    ("/logout", {}),
    ("/me/tokens", {"label": "x"}),
    ("/admin/users", {"name": "eve", "role": "manager", "password": "eve-password-1"}),
]


def stored(app: FastAPI, sql: str) -> list[tuple[object, ...]]:
    """Rows of the app's store after its sign-ins are written."""
    guard.flush(app, wait=True)
    with app.state.goodwill.reading() as store:
        return store.con.execute(sql).fetchall()


def test_sign_in_shows_who_and_sign_out_ends_the_session_at_once(
    own_people_app: FastAPI,
) -> None:
    client = sign_in(own_people_app, "dj")
    page = client.get("/")
    assert page.status_code == 200 and 'id="signed-in-as"' in page.text and ">dj<" in page.text
    cookie = client.cookies[guard.COOKIE]
    out = client.post("/logout", follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    again = TestClient(own_people_app, cookies={guard.COOKIE: cookie})
    refused = again.get("/", follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"] == "/login?next=%2F"


def test_a_wrong_password_is_refused_and_next_is_kept_on_this_site(
    own_people_app: FastAPI,
) -> None:
    client = TestClient(own_people_app)
    wrong = client.post("/login", data={"name": "dj", "password": "nope-nope-nope"})
    assert wrong.status_code == 401 and "wrong name or password" in wrong.text
    unknown = client.post("/login", data={"name": "zed", "password": "nope-nope-nope"})
    assert unknown.status_code == 401 and "wrong name or password" in unknown.text
    away = client.post(
        "/login",
        data={"name": "dj", "password": PEOPLE["dj"][2], "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert away.status_code == 303 and away.headers["location"] == "/"


def test_lock_out_after_repeated_failures_ends_the_users_sessions(
    own_people_app: FastAPI,
) -> None:
    limit = own_people_app.state.auth.policy.max_failed_logins
    signed_in = sign_in(own_people_app, "lw")
    assert signed_in.get("/", follow_redirects=False).status_code == 200
    attacker = TestClient(own_people_app)
    for _ in range(limit):
        attacker.post("/login", data={"name": "lw", "password": "guess-guess-guess"})
    assert signed_in.get("/", follow_redirects=False).status_code == 303  # ended at once
    right = attacker.post("/login", data={"name": "lw", "password": PEOPLE["lw"][2]})
    assert right.status_code == 401 and "locked until" in right.text
    rows = stored(own_people_app, "SELECT locked_until FROM users WHERE name = 'lw'")
    assert rows[0][0] is not None


def test_form_posts_without_a_valid_csrf_token_are_refused(own_people_app: FastAPI) -> None:
    admin = sign_in(own_people_app, "ada")
    token = admin.headers.pop("X-CSRF-Token")
    for url, body in POSTS:
        missing = admin.post(url, data=body, follow_redirects=False)
        assert missing.status_code == 403, (url, missing.status_code)
        wrong = admin.post(url, data={**body, "csrf": "x" + token}, follow_redirects=False)
        assert wrong.status_code == 403, (url, wrong.status_code)
    assert "eve" not in {u.name for u in own_people_app.state.auth.list_users()}
    # the hidden field of a form is accepted, and so is the header htmx sends
    made = admin.post("/me/tokens", data={"label": "ci", "csrf": token})
    assert made.status_code == 200 and 'id="new-token"' in made.text
    added = admin.post(
        "/admin/users",
        data={"name": "eve", "role": "manager", "password": "eve-password-1"},
        headers={"X-CSRF-Token": token},
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert "eve" in {u.name for u in own_people_app.state.auth.list_users()}
    # a form without fields of its own (sign out) carries the token in its body too
    out = admin.post("/logout", data={"csrf": token}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert admin.get("/", follow_redirects=False).status_code == 303


def test_a_post_from_another_site_is_refused(own_people_app: FastAPI) -> None:
    admin = sign_in(own_people_app, "ada")
    other = {"Origin": "https://evil.example"}
    assert admin.post("/me/tokens", data={"label": "x"}, headers=other).status_code == 403
    login = TestClient(own_people_app).post(
        "/login", data={"name": "ada", "password": PEOPLE["ada"][2]}, headers=other
    )
    assert login.status_code == 403


def test_the_session_cookie_is_httponly_lax_and_secure_over_https(
    own_people_app: FastAPI,
) -> None:
    for https in (False, True):
        client = TestClient(
            own_people_app, base_url="https://testserver" if https else "http://testserver"
        )
        response = client.post(
            "/login", data={"name": "dj", "password": PEOPLE["dj"][2]}, follow_redirects=False
        )
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        assert ("secure" in cookie.replace("samesite", "")) is https


def test_an_api_token_works_as_bearer_with_the_users_scope_and_stops_when_revoked(
    own_people_app: FastAPI,
) -> None:
    dj = sign_in(own_people_app, "dj")
    page = dj.post("/me/tokens", data={"label": "report"}).text
    secret = re.search(r'id="new-token"[^>]*>([^<]+)<', page)
    assert secret is not None
    bearer = {"Authorization": f"Bearer {secret.group(1)}"}
    api = TestClient(own_people_app)
    chart = api.get("/api/chart/portfolio", headers=bearer)
    assert chart.status_code == 200
    owners = dict(stored(own_people_app, "SELECT account_id, owner FROM accounts"))
    assert {owners[i] for s in chart.json()["series"] for i in s["ids"]} == {"DJ"}
    assert api.get("/import", headers=bearer).status_code == 403  # the user's rights
    hashes = stored(own_people_app, "SELECT token_hash, label FROM api_tokens")
    assert hashes and all(secret.group(1) not in str(row) for row in hashes)
    token_id = re.search(r'data-token-id="(\d+)"', dj.get("/me").text)
    assert token_id is not None
    dj.post(f"/me/tokens/{token_id.group(1)}/revoke")
    refused = api.get("/api/chart/portfolio", headers=bearer)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthenticated"


def test_the_control_token_is_the_local_administrator(own_people_app: FastAPI) -> None:
    token = own_people_app.state.goodwill.control_token
    client = TestClient(own_people_app, follow_redirects=False)
    local = client.get("/admin/users", headers={"Authorization": f"Bearer {token}"})
    assert local.status_code == 200
    assert client.get("/admin/users", headers={"Authorization": "Bearer x"}).status_code == 303


def test_only_hashes_are_stored(own_people_app: FastAPI) -> None:
    client = sign_in(own_people_app, "max")
    session = client.cookies[guard.COOKIE]
    users = stored(own_people_app, "SELECT name, password_hash FROM users")
    assert {n for n, _ in users} == set(PEOPLE)
    for name, hashed in users:
        assert str(hashed).startswith("$argon2id$") and PEOPLE[str(name)][2] not in str(hashed)
    sessions = stored(own_people_app, "SELECT * FROM sessions")
    assert sessions and all(session not in str(row) for row in sessions)


def test_disabling_a_user_ends_their_session_and_an_admin_manages_users(
    own_people_app: FastAPI,
) -> None:
    admin = sign_in(own_people_app, "ada")
    dj = sign_in(own_people_app, "dj")
    listing = admin.get("/admin/users")
    assert listing.status_code == 200 and 'data-user="dj"' in listing.text
    assert admin.post("/admin/users/dj/disable", follow_redirects=False).status_code == 303
    assert dj.get("/", follow_redirects=False).status_code == 303
    refused = TestClient(own_people_app).post(
        "/login", data={"name": "dj", "password": PEOPLE["dj"][2]}
    )
    assert refused.status_code == 401 and "disabled" in refused.text
    keep = admin.post("/admin/users/ada/remove")
    assert keep.status_code == 400 and "own user" in keep.text
    settings = admin.get("/admin/settings")
    assert settings.status_code == 200 and "[auth]" in settings.text
