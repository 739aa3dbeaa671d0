"""The authorisation matrix, built from the app's route table: every route declares the
least role it needs (or is public); every non-public route refuses an anonymous request
and every role below the declared one — so a new route is covered as soon as it exists."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from goodwill.web.access import Role, public, required_role
from tests.web.conftest import WEEK
from tests.web.people import BY_ROLE, sign_in

#: what the matrix fills each path parameter with (a new parameter fails the test here)
PATH_VALUES = {
    "account_id": "K100007",  # an account of DJ, the account manager the matrix signs in as
    "week": WEEK,
    "owner": "DJ",
    "name": "nobody",
    "token_id": "999",
    "as_of": "latest",  # the REST API's snapshot of a date
    "job_id": "999",  # an import job of the REST API
}
#: mounts that are not routes with dependencies: the packaged static files (public)
PUBLIC_MOUNTS = {"/static"}


def declared(route: RouteContext) -> Role | str | None:
    """The role the route declares (``"public"`` for public), read from its dependencies
    (its own and its router's)."""
    found: Role | str | None = None
    dependant = route.dependant or route.original_route.dependant
    stack = list(dependant.dependencies)
    while stack:
        dep = stack.pop()
        if dep.call is public:
            found = "public"
        role = required_role(dep.call)
        if role is not None:
            found = role if not isinstance(found, Role) else min(found, role)
        stack.extend(dep.dependencies)
    return found


def all_routes(app: FastAPI) -> list[RouteContext]:
    """Every route of the app, those of included routers too."""
    return list(iter_route_contexts(app.routes))


def api_routes(app: FastAPI) -> list[RouteContext]:
    return [r for r in all_routes(app) if isinstance(r.original_route, APIRoute)]


def cases(app: FastAPI) -> Iterator[tuple[str, str, Role]]:
    for route in api_routes(app):
        role = declared(route)
        if not isinstance(role, Role):
            continue
        url = route.path_format.format(**{k: PATH_VALUES[k] for k in route.param_convertors})
        for method in sorted(route.methods):
            yield method, url, role


@pytest.fixture(scope="module")
def clients(people_app: FastAPI) -> dict[Role, TestClient]:
    return {role: sign_in(people_app, name) for role, name in BY_ROLE.items()}


def test_every_route_declares_its_role(people_app: FastAPI) -> None:
    undeclared = [r.path for r in api_routes(people_app) if declared(r) is None]
    assert not undeclared, f"declare a role (Depends(require(Role.X))) or public: {undeclared}"
    others = [r.original_route for r in all_routes(people_app)]
    others = [r for r in others if not isinstance(r, APIRoute)]
    unknown = [getattr(r, "path", r) for r in others]
    assert all(isinstance(r, Mount) and r.path in PUBLIC_MOUNTS for r in others), unknown
    for route in api_routes(people_app):
        missing = set(route.param_convertors) - set(PATH_VALUES)
        assert not missing, f"{route.path}: add {missing} to PATH_VALUES"


def test_public_routes_are_only_login_health_favicon_and_the_api_description(
    people_app: FastAPI,
) -> None:
    public_paths = {r.path for r in api_routes(people_app) if declared(r) == "public"}
    assert public_paths == {"/login", "/health", "/favicon.ico", "/api/v1/openapi.json"}


def test_anonymous_requests_are_refused(people_app: FastAPI) -> None:
    anonymous = TestClient(people_app)
    checked = 0
    for method, url, _role in cases(people_app):
        response = anonymous.request(method, url, follow_redirects=False)
        if url.startswith("/api/"):
            assert response.status_code == 401, (method, url, response.status_code)
            assert response.json()["error"]["code"] == "unauthenticated"
        else:
            assert response.status_code == 303, (method, url, response.status_code)
            assert response.headers["location"].startswith("/login?next="), (method, url)
        checked += 1
    assert checked >= 20


def test_a_role_below_the_declared_one_is_forbidden(
    people_app: FastAPI, clients: dict[Role, TestClient]
) -> None:
    checked = 0
    for method, url, role in cases(people_app):
        for lower in (r for r in Role if r < role):
            response = clients[lower].request(method, url, follow_redirects=False)
            assert response.status_code == 403, (lower.code, method, url, response.status_code)
            checked += 1
    assert checked >= 10


def test_the_declared_role_gets_in(people_app: FastAPI, clients: dict[Role, TestClient]) -> None:
    for method, url, role in cases(people_app):
        if method != "GET":
            continue
        response = clients[role].get(url, follow_redirects=False)
        assert response.status_code in (200, 308, 404), (role.code, url, response.status_code)
        if response.status_code == 404:  # only what the matrix made up
            assert "nobody" in url or "999" in url, url


def test_an_htmx_request_without_a_session_is_sent_to_login(people_app: FastAPI) -> None:
    response = TestClient(people_app).get(
        "/payments?page=2",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/payments?page=2"},
    )
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login?next=%2Fpayments%3Fpage%3D2"


def test_a_forbidden_page_says_why(clients: dict[Role, TestClient]) -> None:
    response = clients[Role.ACCOUNT_MANAGER].get("/import?lang=nl")
    assert response.status_code == 403 and "text/html" in response.headers["content-type"]
    assert "manager" in response.text and "Uw rol" in response.text
