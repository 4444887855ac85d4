import pytest
from shapely.geometry import Point, box

from field_api import create_app
from field_api.auth import service
from field_api.geo import to_element
from field_api.models import Account, Balance, Premise, Sector
from schemas import vocab
from tests.conftest import bind_app

PASSWORD = "correct horse battery"


@pytest.fixture
def app(db_url, connection):
    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "PAGE_SIZE_MAX": 50,
                      "PAGE_SIZE_DEFAULT": 20})
    bind_app(app, connection)
    return app


@pytest.fixture
def users(app, session):
    """One office user per role, all with PASSWORD."""
    made = {role: service.create_user(session, f"{role}1", f"{role.title()} Uno", role, PASSWORD)
            for role in vocab.ROLES}
    session.commit()
    return made


def login(client, username, password=PASSWORD):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


@pytest.fixture
def tokens(app, users):
    """Access tokens by role."""
    client = app.test_client()
    return {role: login(client, user.username).get_json()["access_token"] for role, user in users.items()}


@pytest.fixture
def anonymous(app):
    return app.test_client()


@pytest.fixture
def client(app, tokens):
    """A client signed in as a viewer, the least office role."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['viewer']}"
    return client


def as_role(app, tokens, role):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens[role]}"
    return client


@pytest.fixture
def town(session):
    """Two sectors side by side; four accounts, two of them in arrears, one protected."""
    west = Sector(code="W", name="Poniente", geom=to_element(box(-112.20, 30.70, -112.16, 30.74)))
    east = Sector(code="E", name="Oriente", geom=to_element(box(-112.16, 30.70, -112.12, 30.74)))
    session.add_all([west, east])
    specs = [
        ("0001", west, (-112.19, 30.71), "domestic", "active", 0, 0, False),
        ("0002", west, (-112.18, 30.72), "domestic", "restricted", 254050, 5, True),
        ("0003", east, (-112.14, 30.71), "commercial", "active", 98000, 2, False),
        ("0004", east, (-112.13, 30.73), "domestic", "active", 0, 0, False),
    ]
    accounts = {}
    for number, sector, (lon, lat), use, status, cents, months, protected in specs:
        premise = Premise(street="Calle 5", exterior_number=number[-1], geom=to_element(Point(lon, lat)),
                          land_use=use, sector=sector, neighborhood=sector.name, municipality="Caborca")
        account = Account(number=number, holder_name=f"Titular {number}", tariff_class=use,
                          service_status=status, premise=premise, protected=protected,
                          protected_reason="pensionado" if protected else None)
        session.add_all([premise, account, Balance(account=account, amount_owed_cents=cents,
                                                   months_overdue=months)])
        accounts[number] = account
    session.flush()
    session.commit()  # releases the savepoint; the test's outer transaction still rolls back
    return {"west": west, "east": east, "accounts": accounts}
