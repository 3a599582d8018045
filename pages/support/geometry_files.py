"""Map files over HTTP (``/geometry/<set>/<file>``), from every replica's first request on.

Each boundary set's ``maps/`` folder (map files only: no build record, no server path)
is served by a route the server has from its start (``st.App(routes=...)`` in ``app.py``
and ``deploy/public_app.py``). Streamlit's component route, used before, knew a folder
only once a session of that process had drawn a map from it: after a failover, a map
request that reached the other replica first got a 404, and the page kept an empty map.

An address carries the build's digest or the set's id (``?v=...``): such a file never
changes, so it is kept for a year; without it, nothing is promised.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from pages.support import access
from utils.geo import boundary_sets, cache_record
from utils.ingest.store import StoreError

PREFIX = "geometry"
DEFAULT = "default"
"""The upstream build's name in an address (its set id is ``""``)."""
SERVED = (".topo.json", ".csv")
KEEP = "public, max-age=31536000, immutable"


def url(set_id: str, name: str, version: str) -> str:
    """The address of map file ``name`` of ``set_id`` (:data:`boundary_sets.DEFAULT`:
    the upstream build) at ``version``, under ``server.baseUrlPath``."""
    return f"{_base()}/{PREFIX}/{set_id or DEFAULT}/{name}?v={version}"


def routes() -> list[Route]:
    """The route serving map files, for ``st.App(routes=...)``."""
    return [Route(f"{_base()}/{PREFIX}/{{set}}/{{name:path}}", _serve, methods=["GET", "HEAD"])]


def _base() -> str:
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def _serve(request: Request) -> Response:
    """One map file; 404 for anything else (no set, no file, not a map file); 503 when
    the store that holds the set cannot be read."""
    name = str(request.path_params["name"])
    try:
        folder = _maps(str(request.path_params["set"]))
    except (StoreError, OSError):  # the store's database does not answer: try another replica
        return PlainTextResponse("Store unavailable", status_code=503)
    if folder is None or not name.endswith(SERVED):
        return _missing()
    path = (folder / name).resolve()
    if not path.is_relative_to(folder.resolve()) or not path.is_file():
        return _missing()
    cache = KEEP if request.query_params.get("v") else "no-cache"
    return FileResponse(path, headers={"Cache-Control": cache})


def _maps(set_name: str) -> Path | None:
    """The ``maps/`` folder of the set an address names, or None when there is none.
    A set kept in a database is written to this replica's folder on its first request."""
    if set_name == DEFAULT:
        return cache_record.maps_dir()
    if not boundary_sets.is_set_id(set_name):
        return None
    root = boundary_sets.sets_of(access.store())
    if boundary_sets.read_set(root, set_name) is None:
        return None
    return boundary_sets.maps_of(root, set_name)


def _missing() -> Response:
    return PlainTextResponse("Not found", status_code=404)
