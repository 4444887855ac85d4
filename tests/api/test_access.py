"""Office log-in, tokens, API keys, limits and the audit trail."""
import logging

import pytest
from sqlalchemy import select

from field_api import create_app
from field_api.auth import tokens as token_module
from field_api.models import AuditEvent
from tests.api.conftest import PASSWORD, as_role, login
from tests.conftest import bind_app


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


class TestLogin:
    def test_wrong_password_and_unknown_user_get_the_same_401_after_the_same_work(
            self, anonymous, users, monkeypatch):
        calls = []
        real = token_module._hasher

        class Spy:
            def verify(self, password_hash, password):
                calls.append(password_hash)
                return real.verify(password_hash, password)

        monkeypatch.setattr(token_module, "_hasher", Spy())
        wrong = login(anonymous, "admin1", "not the password")
        unknown = login(anonymous, "nobody", "not the password")
        assert wrong.status_code == unknown.status_code == 401
        assert wrong.get_json() == unknown.get_json()
        assert wrong.get_json()["message"] == "Wrong username or password."
        assert len(calls) == 2  # the unknown user is verified against a dummy hash too

    def test_login_gives_tokens_that_open_the_api(self, anonymous, users):
        body = login(anonymous, "dispatcher1").get_json()
        assert body["token_type"] == "Bearer" and body["role"] == "dispatcher"
        assert body["expires_in"] == 15 * 60
        me = anonymous.get("/api/v1/auth/me", headers=bearer(body["access_token"]))
        assert me.status_code == 200 and me.get_json()["username"] == "dispatcher1"
        assert "password" not in me.get_json()

    def test_logout_revokes_on_the_very_next_request(self, anonymous, users):
        body = login(anonymous, "viewer1").get_json()
        assert anonymous.post("/api/v1/auth/logout", headers=bearer(body["access_token"])).status_code == 204
        again = anonymous.get("/api/v1/auth/me", headers=bearer(body["access_token"]))
        assert again.status_code == 401 and "revoked" in again.get_json()["message"]
        refreshed = anonymous.post("/api/v1/auth/refresh", json={"refresh_token": body["refresh_token"]})
        assert refreshed.status_code == 401

    def test_refresh_rotates_and_a_reused_refresh_token_ends_the_session(self, anonymous, users):
        first = login(anonymous, "viewer1").get_json()
        second = anonymous.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert second.status_code == 200
        new = second.get_json()
        assert anonymous.get("/api/v1/auth/me", headers=bearer(first["access_token"])).status_code == 401
        assert anonymous.get("/api/v1/auth/me", headers=bearer(new["access_token"])).status_code == 200
        reuse = anonymous.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert reuse.status_code == 401 and "already used" in reuse.get_json()["message"]
        assert anonymous.get("/api/v1/auth/me", headers=bearer(new["access_token"])).status_code == 401

    def test_a_refresh_token_is_not_an_access_token(self, anonymous, users):
        body = login(anonymous, "viewer1").get_json()
        response = anonymous.get("/api/v1/auth/me", headers=bearer(body["refresh_token"]))
        assert response.status_code == 401 and "refresh token" in response.get_json()["message"]

    @pytest.mark.parametrize("header,message", [
        ("Basic dXNlcjpwYXNz", "Malformed Authorization header"),
        ("Bearer", "Malformed Authorization header"),
        ("Bearer two words", "Malformed Authorization header"),
        ("Bearer cua_at_forged", "Unknown access token"),
    ])
    def test_bad_authorization_headers_get_401_with_the_error_body(self, anonymous, users, header, message):
        response = anonymous.get("/api/v1/accounts", headers={"Authorization": header})
        assert response.status_code == 401
        body = response.get_json()
        assert body["code"] == 401 and body["status"] == "Unauthorized" and message in body["message"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")

    def test_a_role_without_the_right_gets_403_naming_the_role(self, app, tokens):
        response = as_role(app, tokens, "viewer").get("/api/v1/users")
        assert response.status_code == 403
        assert response.get_json()["message"] == "role 'viewer' may not do this; it needs roles admin."

    def test_disabled_user_is_locked_out_at_once(self, app, tokens, users):
        admin = as_role(app, tokens, "admin")
        user_url = f"/api/v1/users/{users['viewer'].id}"
        etag = admin.get(user_url).headers["ETag"]
        assert admin.patch(user_url, json={"active": False}, headers={"If-Match": etag}).status_code == 200
        assert as_role(app, tokens, "viewer").get("/api/v1/accounts").status_code == 401
        assert login(app.test_client(), "viewer1").status_code == 401


class TestLimits:
    def test_repeated_failures_for_one_user_get_429_with_retry_after(self, anonymous, users):
        for _ in range(5):
            assert login(anonymous, "admin1", "wrong password!").status_code == 401
        response = login(anonymous, "admin1", PASSWORD)  # even the right password waits
        assert response.status_code == 429
        assert "Too many failed logins for this user" in response.get_json()["message"]
        assert int(response.headers["Retry-After"]) == 15 * 60

    def test_failures_from_one_address_across_users_get_429(self, db_url, connection, users):
        app = create_app({"DATABASE_URL": db_url, "LOGIN_MAX_FAILURES_PER_ADDRESS": 3})
        bind_app(app, connection)
        client = app.test_client()
        for name in ("a1", "b1", "c1"):
            assert login(client, name, "whatever123").status_code == 401
        response = login(client, "d1", "whatever123")
        assert response.status_code == 429 and "from this address" in response.get_json()["message"]

    def test_oversized_body_gets_413_with_the_error_body(self, db_url, connection, users):
        app = create_app({"DATABASE_URL": db_url, "MAX_BODY_BYTES": 1024})
        bind_app(app, connection)
        response = app.test_client().post("/api/v1/auth/login",
                                          json={"username": "admin1", "password": "x" * 5000})
        assert response.status_code == 413
        assert response.get_json()["code"] == 413 and response.get_json()["message"]


class TestUsersAndKeys:
    def test_admin_creates_a_user_and_a_weak_password_or_taken_name_is_refused(self, app, tokens):
        admin = as_role(app, tokens, "admin")
        new = {"username": "ana.ruiz", "full_name": "Ana Ruiz", "role": "dispatcher", "password": "x" * 12}
        created = admin.post("/api/v1/users", json=new)
        assert created.status_code == 201 and created.get_json()["role"] == "dispatcher"
        assert "password" not in created.get_json()
        assert admin.post("/api/v1/users", json=new).status_code == 409
        weak = admin.post("/api/v1/users", json={**new, "username": "otro", "password": "short"})
        assert weak.status_code == 422 and "at least 10 characters" in weak.get_json()["message"]
        bad_role = admin.post("/api/v1/users", json={**new, "username": "otro2", "role": "king"})
        assert bad_role.status_code == 422

    def test_user_change_needs_the_current_etag(self, app, tokens, users):
        admin = as_role(app, tokens, "admin")
        url = f"/api/v1/users/{users['viewer'].id}"
        assert admin.patch(url, json={"role": "supervisor"}).status_code == 428
        stale = admin.patch(url, json={"role": "supervisor"}, headers={"If-Match": '"stale"'})
        assert stale.status_code == 412
        etag = admin.get(url).headers["ETag"]
        changed = admin.patch(url, json={"role": "supervisor"}, headers={"If-Match": etag})
        assert changed.status_code == 200 and changed.get_json()["version"] == 2

    def test_api_key_is_shown_once_works_and_stops_at_once_when_revoked(self, app, tokens, town):
        admin = as_role(app, tokens, "admin")
        created = admin.post("/api/v1/api-keys", json={"name": "facturacion", "scopes": ["registry:read"]})
        assert created.status_code == 201
        key = created.get_json()["key"]
        assert key.startswith("cua_key_")
        listed = admin.get("/api/v1/api-keys").get_json()
        assert key not in str(listed) and listed[0]["prefix"] == key[:12]
        system = app.test_client()
        assert system.get("/api/v1/accounts", headers={"X-API-Key": key}).status_code == 200
        assert system.get("/api/v1/users", headers={"X-API-Key": key}).status_code == 403
        key_id = created.get_json()["id"]
        revoked = admin.post(f"/api/v1/api-keys/{key_id}/revoke", json={"reason": "rotación trimestral"})
        assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
        after = system.get("/api/v1/accounts", headers={"X-API-Key": key})
        assert after.status_code == 401 and "revoked" in after.get_json()["message"]

    def test_unknown_scope_is_refused(self, app, tokens):
        response = as_role(app, tokens, "admin").post("/api/v1/api-keys", json={"name": "x-key", "scopes": ["root"]})
        assert response.status_code == 422


class TestAudit:
    def test_writes_are_audited_with_principal_request_id_and_reason(self, app, tokens, session):
        admin = as_role(app, tokens, "admin")
        created = admin.post("/api/v1/api-keys", json={"name": "caja", "scopes": ["payments:write"]},
                             headers={"X-Request-ID": "req-123"})
        assert created.headers["X-Request-ID"] == "req-123"
        admin.post(f"/api/v1/api-keys/{created.get_json()['id']}/revoke", json={"reason": "clave filtrada"})
        events = session.scalars(select(AuditEvent).where(AuditEvent.action.like("%api-keys%"))
                                 .order_by(AuditEvent.id)).all()
        assert [(e.principal_kind, e.principal_name, e.status_code) for e in events] == [
            ("user", "admin1", 201), ("user", "admin1", 200)]
        assert events[0].request_id == "req-123" and events[0].target == "api_key=caja"
        assert events[1].reason == "clave filtrada"

    def test_failed_logins_are_audited_under_the_name_tried(self, anonymous, users, session):
        login(anonymous, "admin1", "wrong password!")
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "POST /api/v1/auth/login")
                                .order_by(AuditEvent.id.desc())).first()
        assert (event.principal_kind, event.principal_name, event.status_code) == ("anonymous", "admin1", 401)

    def test_audit_list_filters_and_is_for_admins_and_supervisors(self, app, tokens):
        admin = as_role(app, tokens, "admin")
        admin.post("/api/v1/api-keys", json={"name": "lectura", "scopes": ["registry:read"]})
        supervisor = as_role(app, tokens, "supervisor")
        page = supervisor.get("/api/v1/audit?principal=admin1&action=api-keys").get_json()
        assert page["total"] == 1 and page["events"][0]["target"] == "api_key=lectura"
        assert supervisor.get("/api/v1/audit?since=2999-01-01T00:00:00").get_json()["total"] == 0
        assert supervisor.get("/api/v1/audit?since=yesterday").status_code == 422
        assert as_role(app, tokens, "dispatcher").get("/api/v1/audit").status_code == 403


def test_passwords_and_keys_never_reach_logs_or_later_responses(app, tokens, caplog):
    caplog.set_level(logging.DEBUG)
    admin = as_role(app, tokens, "admin")
    secret_password = "una clave muy secreta 42"
    responses = [admin.post("/api/v1/users", json={"username": "secreta", "full_name": "S", "role": "viewer",
                                                    "password": secret_password})]
    responses.append(login(app.test_client(), "secreta", secret_password))
    responses.append(login(app.test_client(), "secreta", secret_password + "x"))
    created = admin.post("/api/v1/api-keys", json={"name": "registro", "scopes": ["registry:read"]})
    key = created.get_json()["key"]
    responses.append(app.test_client().get("/api/v1/accounts", headers={"X-API-Key": key}))
    responses.append(admin.get("/api/v1/api-keys"))
    responses.append(as_role(app, tokens, "supervisor").get("/api/v1/audit?page_size=50"))
    for secret in (secret_password, key):
        assert secret not in caplog.text
        assert all(secret not in r.get_data(as_text=True) for r in responses)


def test_create_user_command_makes_the_first_admin(db_url, connection):
    app = create_app({"DATABASE_URL": db_url})
    bind_app(app, connection)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--username", "jefa", "--role", "admin"],
                           input="una clave larga\nuna clave larga\n")
    assert result.exit_code == 0, result.output
    assert "Created admin 'jefa'" in result.output and "una clave larga" not in result.output
    weak = runner.invoke(args=["create-user", "--username", "otra", "--role", "viewer", "--password-stdin"],
                         input="corta\n")
    assert weak.exit_code == 1 and "at least 10 characters" in weak.output
    assert login(app.test_client(), "jefa", "una clave larga").status_code == 200
    again = runner.invoke(args=["create-user", "--username", "jefa", "--role", "admin", "--exist-ok"])
    assert again.exit_code == 0 and "left as it is" in again.output
    taken = runner.invoke(args=["create-user", "--username", "jefa", "--role", "admin", "--password-stdin"],
                          input="otra clave larga\n")
    assert taken.exit_code == 1 and "is taken" in taken.output
