"""Users of the small world for the authorisation tests: an administrator, a manager and
two account managers (owner codes DJ and LW), and clients signed in as each."""

from __future__ import annotations

import re
import shutil
import warnings
from pathlib import Path

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about httpx's successor
    from fastapi.testclient import TestClient

from fastapi import FastAPI

from goodwill.auth import AuthBook
from goodwill.store import Store
from goodwill.web.access import Role

#: name -> (role, owner code, password)
PEOPLE: dict[str, tuple[Role, str | None, str]] = {
    "ada": (Role.ADMIN, None, "ada-password-1"),
    "max": (Role.MANAGER, None, "max-password-1"),
    "dj": (Role.ACCOUNT_MANAGER, "DJ", "dj-password-1"),
    "lw": (Role.ACCOUNT_MANAGER, "LW", "lw-password-1"),
}
#: the signed-in user of each role the matrix uses
BY_ROLE = {Role.ADMIN: "ada", Role.MANAGER: "max", Role.ACCOUNT_MANAGER: "dj"}
_CSRF = re.compile(r'"X-CSRF-Token": "([^"]+)"')


def add_people(db: Path, out: Path) -> Path:
    """A copy of the store at ``db`` with :data:`PEOPLE` as its users."""
    shutil.copy(db, out)
    with Store.open(out) as store:
        book = AuthBook.load(store)
        for name, (role, owner, password) in PEOPLE.items():
            book.add_user(name, role, password, owner)
        book.flush(store.con)
    return out


def sign_in(app: FastAPI, name: str, *, https: bool = False) -> TestClient:
    """A client of ``app`` signed in as ``name``, sending its session's CSRF token with
    every request (as htmx does)."""
    client = TestClient(app, base_url="https://testserver" if https else "http://testserver")
    response = client.post(
        "/login", data={"name": name, "password": PEOPLE[name][2]}, follow_redirects=False
    )
    assert response.status_code == 303, response.text[:300]
    client.headers["X-CSRF-Token"] = csrf_of(client)
    return client


def csrf_of(client: TestClient) -> str:
    """The CSRF token of the client's session, as the pages carry it."""
    page = client.get("/me")
    assert page.status_code == 200, page.text[:300]
    found = _CSRF.search(page.text)
    assert found, "a signed-in page carries the session's CSRF token for htmx"
    return found.group(1)
