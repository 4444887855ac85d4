"""Plain JSON pages for lists that are not GeoJSON: rows under a name, and the pagination block."""
from __future__ import annotations

from typing import Callable

from field_api.registry.queries import Page


def page_body(name: str, page: Page, to_dict: Callable) -> dict:
    return {name: [to_dict(row) for row in page.rows],
            "pagination": {"page": page.page, "page_size": page.page_size, "total": page.total,
                           "pages": page.pages}}
