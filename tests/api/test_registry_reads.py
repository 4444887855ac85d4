"""The office reads the registry as GeoJSON, filtered and paginated."""


def numbers(body):
    return [f["properties"]["number"] for f in body["features"]]


def test_sectors_come_back_as_geojson_polygons_in_lon_lat_order(client, town):
    body = client.get("/api/v1/sectors").get_json()
    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in body["features"]] == ["W", "E"]
    ring = body["features"][0]["geometry"]["coordinates"][0]
    assert body["features"][0]["geometry"]["type"] == "Polygon"
    assert all(-112.21 < lon < -112.15 and 30.69 < lat < 30.75 for lon, lat in ring)


def test_accounts_filter_by_arrears_and_show_amount_owed_in_pesos(client, town):
    body = client.get("/api/v1/accounts?in_arrears=true").get_json()
    assert numbers(body) == ["0002", "0003"]
    assert body["features"][0]["properties"]["amount_owed"] == "2540.50"
    assert body["features"][0]["geometry"] == {"type": "Point", "coordinates": [-112.18, 30.72]}
    assert numbers(client.get("/api/v1/accounts?in_arrears=false").get_json()) == ["0001", "0004"]


def test_accounts_filter_by_sector_status_and_bbox(client, town):
    east = town["east"].id
    assert numbers(client.get(f"/api/v1/accounts?sector={east}").get_json()) == ["0003", "0004"]
    assert numbers(client.get("/api/v1/accounts?status=restricted").get_json()) == ["0002"]
    bbox = "-112.195,30.705,-112.135,30.715"
    assert numbers(client.get(f"/api/v1/accounts?bbox={bbox}").get_json()) == ["0001", "0003"]
    assert numbers(client.get("/api/v1/accounts?min_months_overdue=3").get_json()) == ["0002"]
    assert numbers(client.get("/api/v1/accounts?min_amount_owed=1000").get_json()) == ["0002"]


def test_protection_reason_is_never_listed(client, town):
    body = client.get("/api/v1/accounts?protected=true").get_json()
    assert numbers(body) == ["0002"]
    assert body["features"][0]["properties"]["protected"] is True
    assert "pensionado" not in str(body)


def test_pages_hold_page_size_rows_and_say_how_many_there_are(client, town):
    body = client.get("/api/v1/accounts?page=2&page_size=3").get_json()
    assert numbers(body) == ["0004"]
    assert body["pagination"] == {"page": 2, "page_size": 3, "total": 4, "pages": 2}


def test_premises_filter_by_bbox_and_land_use(client, town):
    body = client.get("/api/v1/premises?bbox=-112.2,30.7,-112.1,30.74&land_use=commercial").get_json()
    assert [f["properties"]["land_use"] for f in body["features"]] == ["commercial"]
    premise_id = body["features"][0]["id"]
    one = client.get(f"/api/v1/premises/{premise_id}")
    assert one.status_code == 200 and one.headers["ETag"]
    assert one.get_json()["geometry"]["coordinates"] == [-112.14, 30.71]


def test_one_account_and_one_sector_by_id(client, town):
    account = town["accounts"]["0003"]
    body = client.get(f"/api/v1/accounts/{account.id}").get_json()
    assert body["properties"]["address"] == "Calle 5 3, Col. Oriente, Caborca"
    assert body["properties"]["months_overdue"] == 2
    sector = client.get(f"/api/v1/sectors/{town['west'].id}").get_json()
    assert sector["properties"]["name"] == "Poniente"


def test_health_and_version_name_the_backend_and_schema(client, db_url):
    assert client.get("/api/v1/health").get_json() == {"status": "ok", "database": "ok"}
    version = client.get("/api/v1/version").get_json()
    assert version["schema_revision"] is not None
    assert version["database_backend"] == ("spatialite" if db_url.startswith("sqlite") else "postgis")


def test_docs_page_is_served_with_local_assets(client):
    page = client.get("/api/docs")
    assert page.status_code == 200 and b"swagger-ui" in page.data
    assert client.get("/api/swagger-ui-assets/swagger-ui-bundle.js").status_code == 200
