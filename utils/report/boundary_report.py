"""What a boundary set's record says, as rows and texts for the Data and About pages."""

from __future__ import annotations

from utils.formatting import format_number, join_names
from utils.i18n import t


def summary(record: dict, lang: str) -> str:
    """One sentence: how many regencies matched, how, and what is left."""
    join = record["join"]
    return t("boundary.summary", lang,
             matched=format_number(join["matched_by_code"] + join["matched_by_name"], lang),
             total=format_number(join["total_regencies"], lang),
             by_code=format_number(join["matched_by_code"], lang),
             by_name=format_number(join["matched_by_name"], lang),
             features=format_number(record["features"], lang),
             unmatched=format_number(len(join["unmatched"]) + len(join["conflicts"]), lang),
             without=format_number(len(record["without_shape"]), lang))


def where_from(record: dict, province_names: dict[str, str], lang: str) -> str:
    """Which provinces come from the file and which keep the default shapes."""
    own = [province_names.get(c, c) for c in record["join"]["provinces"]]
    filled = [province_names.get(c, c) for c in record["filled_provinces"]]
    if not filled:
        return t("boundary.from_file_all", lang)
    return t("boundary.from_file_some", lang, own=join_names(own, lang),
             count=format_number(len(filled), lang))


def without_shape(record: dict, names: dict[str, str], lang: str,
                  scope: str = "") -> str | None:
    """"Tanpa batas wilayah: …" for regencies (of ``scope``) the set has no shape for."""
    missing = [c for c in record.get("without_shape") or [] if c.startswith(scope)]
    if not missing:
        return None
    return t("boundary.without_shape", lang, count=format_number(len(missing), lang),
             names=join_names([names.get(c, c) for c in missing], lang))


def credit(record: dict, lang: str) -> str:
    """The set's file, publisher, licence and date (About page, map caption)."""
    return t("boundary.credit", lang, file=record["file"], source=record["source"],
             licence=record["licence"], date=record["created"][:10])


def map_lines(record: dict | None, names: dict[str, str], scope: str, lang: str) -> list[str]:
    """Under the map's legend, for an office's own boundaries: which regencies of
    ``scope`` are not drawn ("tanpa batas wilayah"; none for the default set)."""
    lacking = without_shape(record, names, lang, scope) if record else None
    return [lacking] if lacking else []


def notes(record: dict, lang: str) -> list[str]:
    """How the file was read and joined: its coordinates, its key and what the join noticed."""
    read = t(record["crs_note"], lang, crs=record["source_crs"]) if record.get("crs_note") else ""
    key = record["join"]["key"]
    columns = ", ".join(c for c in (key["code_column"], key["name_column"]) if c)
    lines = [read, t("boundary.key_used", lang, columns=columns or "–",
                     level=t(f"boundary_join.level.{key['level']}", lang))]
    for note in record["join"]["notes"]:
        values = dict(note["values"])
        if "level" in values:
            values["level"] = t(f"boundary_join.level.{values['level']}", lang)
        lines.append(t(note["key"], lang, **values))
    if record.get("dropped"):
        lines.append(t("boundary.dropped", lang, count=format_number(record["dropped"], lang)))
    return [line for line in lines if line]


def unmatched_rows(record: dict) -> list[dict]:
    """Features that match no regency, with the closest regions."""
    return [{"value": str(row["value"]),
             "suggestions": "; ".join(f"{s['name']} ({s['code']})" for s in row["suggestions"])}
            for row in record["join"]["unmatched"]]


def _region(region: dict | None) -> str:
    return f"{region['name']} ({region['code']})" if region else "–"


def conflict_rows(record: dict) -> list[dict]:
    """Features whose code and name point at different regencies (not matched)."""
    return [{"value": str(row["value"]), "by_code": _region(row["code_region"]),
             "by_name": _region(row["name_region"])} for row in record["join"]["conflicts"]]


def merged_rows(record: dict, names: dict[str, str]) -> list[dict]:
    """Regencies made of several features (villages dissolved, multi-part duplicates)."""
    return [{"code": row["code"], "name": names.get(row["code"], row["code"]),
             "parts": int(row["parts"])} for row in record["join"]["merged"]]


def set_label(record: dict) -> str:
    """How a set is named in a choice: its file and when it was built."""
    return f"{record['file']} · {record['created'][:16].replace('T', ' ')} · {record['id'][-8:]}"


def set_rows(records: list[dict], active: str, lang: str) -> list[dict]:
    """One row per stored set for the list on the Data page."""
    return [{"id": r["id"], "file": r["file"], "source": r["source"], "licence": r["licence"],
             "created": r["created"][:16].replace("T", " "), "user": r.get("user") or "–",
             "matched": f"{r['join']['matched_by_code'] + r['join']['matched_by_name']}"
                        f"/{r['join']['total_regencies']}",
             "active": "✓" if r["id"] == active else ""} for r in records]
