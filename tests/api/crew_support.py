"""Helpers of the crew API tests (no tests here): a crew made over HTTP, and writes with its ETag."""
DEPOT = {"type": "Point", "coordinates": [-112.16, 30.71]}


def new_crew(client, **extra) -> dict:
    made = client.post("/api/v1/crews", json={"name": "Corte Norte", "depot": DEPOT, **extra})
    assert made.status_code == 201, made.get_json()
    return made.get_json()


def changing(client, path: str, crew_id: int, method: str = "patch", **kwargs):
    """A write with the crew's ETag as it reads now."""
    etag = client.get(f"/api/v1/crews/{crew_id}").headers["ETag"]
    return getattr(client, method)(path, headers={"If-Match": etag}, **kwargs)


def member_path(crew_id: int, member_id: int) -> str:
    return f"/api/v1/crews/{crew_id}/members/{member_id}"
