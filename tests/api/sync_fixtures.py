"""Fixtures of the sync API tests: a field day with two crews, their batches and enrolled devices.

Import the fixtures by name into a test module (pytest finds them there).
"""
from datetime import timedelta

import pytest

import field_api.sync_service.upload as upload_module
from tests.builders import make_account, make_crew, make_item, make_sector, meter_with_readings
from tests.sync_support import MORNING, enroll_device, publish_batch

RECEIVED = MORNING + timedelta(hours=8, seconds=2)  # 17:00 on the field day, server clock


@pytest.fixture
def server_clock(monkeypatch):
    """Uploads arrive at RECEIVED by the server's clock (device clocks are the tests' business)."""
    monkeypatch.setattr(upload_module, "utcnow", lambda: RECEIVED)
    return RECEIVED


@pytest.fixture
def field_day(app, session, server_clock, tmp_path):
    app.config["PHOTO_DIR"] = str(tmp_path / "photos")
    sector = make_sector(session, "C", (-112.20, 30.70, -112.12, 30.74), "Centro")
    cutters = make_crew(session, "Corte 1", ["cut"])
    notifiers = make_crew(session, "Notificador 1", ["notifier"], "walk")
    accounts = [make_account(session, f"A{i}", -112.19 + 0.005 * i, 30.71, sector=sector, months=4,
                             cents=100000 * (i + 1)) for i in range(6)]
    accounts[5].protected, accounts[5].protected_reason = True, "pensionado por discapacidad"
    meters = [meter_with_readings(session, a, f"M-{i}", [100.0 + i, 110.0 + i]) for i, a in enumerate(accounts)]
    cuts = [make_item(session, a, "cut", "restrict", value=1000.0 * (i + 1)) for i, a in enumerate(accounts[:3])]
    notices = [make_item(session, a, "notice", "cut_warning", value=500.0) for a in accounts[3:5]]
    inspection = make_item(session, accounts[5], "inspection", "requested", value=10.0)
    cut_batch = publish_batch(session, cutters, cuts)
    notice_batch = publish_batch(session, notifiers, notices + [inspection])
    cut_device, cut_token = enroll_device(session, cutters, "Teléfono corte")
    notice_device, notice_token = enroll_device(session, notifiers, "Teléfono notificador")
    session.commit()
    return {"sector": sector, "cutters": cutters, "notifiers": notifiers, "accounts": accounts, "meters": meters,
            "cuts": cuts, "notices": notices, "inspection": inspection, "cut_batch": cut_batch,
            "notice_batch": notice_batch, "cut_device": cut_device, "notice_device": notice_device,
            "cutter": device_client(app, cut_token), "notifier": device_client(app, notice_token)}


def device_client(app, token):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client
