"""Two replicas on one PostgreSQL store: what one saves or activates, the other sees.

The second replica is another process with its own local folder (``CAPAIAN_STORE_DIR``):
it serves the set the first activated from its own materialised copy, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from utils.geo import boundary_sets as sets
from utils.ingest import saved_scenarios as saved
from utils.ingest.pg_store import PostgresStore

pytest_plugins = ["tests.pg_support"]
ROOT = Path(__file__).resolve().parent.parent
MAP = b'{"type":"Topology","objects":{}}'

OTHER_REPLICA = """
import hashlib, json
from utils.geo import boundary_sets as sets
from utils.ingest import saved_scenarios as saved
from utils.ingest.store_backend import open_store

store = open_store()
where = sets.sets_of(store)
active = sets.active_id(where)
maps = sets.maps_of(where, active)
names = [r["name"] for r in saved.list_saved(store)[0]]
saved.save(store, "Rencana replika B", {"months": 3}, user="b")
print(json.dumps({"active": active, "names": names, "maps": str(maps),
                  "sha": hashlib.sha256((maps / "national.topo.json").read_bytes()).hexdigest()}))
"""


def test_a_set_activated_and_a_scenario_saved_by_one_replica_reach_the_other(
        pg_url: str, tmp_path: Path) -> None:
    here = PostgresStore(pg_url, root=tmp_path / "a")
    where = sets.sets_of(here)
    assert isinstance(where, sets.DatabaseSets)
    set_id = sets.new_id("ab" * 32, datetime(2026, 11, 29, 10, 0, 0, tzinfo=UTC))
    sets.store_set(where, {"id": set_id, "file": "batas.zip"}, {"maps/national.topo.json": MAP})
    sets.activate(where, set_id)
    saved.save(here, "Rencana replika A", {"months": 6}, user="a")
    env = {**os.environ, "CAPAIAN_STORE_URL": pg_url, "CAPAIAN_STORE_DIR": str(tmp_path / "b")}
    done = subprocess.run([sys.executable, "-c", OTHER_REPLICA], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["active"] == set_id and seen["names"] == ["Rencana replika A"]
    assert seen["maps"] == str(tmp_path / "b" / sets.CACHE / set_id / "maps")
    assert seen["sha"] == hashlib.sha256(MAP).hexdigest()
    assert not (tmp_path / "a" / sets.CACHE).exists()  # this replica has served nothing yet
    assert [r["name"] for r in saved.list_saved(here)[0]] == ["Rencana replika A",
                                                              "Rencana replika B"]
