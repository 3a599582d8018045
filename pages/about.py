"""About page: method, the data in use, published figures and targets with their sources,
region-data licences."""

from __future__ import annotations

import streamlit as st

from pages.support import cached
from utils.formatting import format_date, format_percent, join_names, plain
from utils.geo import sources
from utils.i18n import t
from utils.ingest import provenance
from utils.metrics import regions as region_ref
from utils.metrics import targets as target_registry
from utils.metrics.published import load_published, sources_in_use
from utils.report import boundary_report

lang = st.session_state.get("lang", "id")
st.title(t("about.title", lang))
st.markdown(t("about.body", lang))
defs = cached.indicator_defs()
st.subheader(t("region.definitions", lang))
for item in defs.values():  # each indicator's numerator and denominator
    st.markdown(t("region.definition_line", lang, indicator=item.label(lang),
                  numerator=item.numerator_en if lang == "en" else item.numerator_id,
                  denominator=item.denominator_en if lang == "en" else item.denominator_id))


def label(indicator: str) -> str:
    """An indicator's name in the page's language (its id if it is not defined)."""
    return defs[indicator].label(lang) if indicator in defs else indicator


def cite(row: dict) -> str:
    """A row's source sentence, with its address as a link when one is known."""
    url = row.get("url") or ""
    return plain(row["source"]) + (" " + t("about.link", lang, url=url) if url else "")


st.subheader(t("provenance.about", lang))  # the imported versions in use, or demo data
in_use = cached.data_in_use()
if in_use.demo:
    st.warning(t("provenance.about_demo", lang), icon="⚠️")
else:
    st.caption(t("provenance.about_intro", lang))
for version in in_use.versions:
    st.markdown(t("provenance.about_line", lang, id=version.id,
                  file=plain(version.file + (f" + {version.companion}" if version.companion
                                             else "")),
                  per=provenance.period_text(version, lang),
                  accepted=plain(provenance.accepted_text(version, lang))))
st.subheader(t("about.published", lang))  # the published figures in use, with their sources
st.caption(t("about.published_intro", lang))
for item in sources_in_use(load_published()).to_dict("records"):
    st.markdown(t("about.published_line", lang, publisher=plain(item["publisher"]),
                  outlet=plain(item["outlet"]), date=format_date(item["published_on"], lang),
                  period=format_date(item["period"], lang),
                  indicators=join_names([label(i) for i in item["indicators"]], lang),
                  regions=plain(join_names(item["regions"], lang)))
                + (" " + t("about.link", lang, url=item["url"]) if item["url"] else ""))
registry = cached.target_table()
with st.expander(t("about.target_sources", lang)):
    for row in target_registry.applicable(registry).to_dict("records"):
        st.markdown(t("about.target_line", lang, indicator=label(row["indicator"]),
                      year=row["year"], scope=t("about.national", lang)
                      if row["scope"] == "national" else row["scope"],
                      percent=format_percent(row["target_percent"], lang), source=cite(row)))
disputed = target_registry.conflicts(registry)
if not disputed.empty:
    st.subheader(t("about.conflicts", lang))
    st.caption(t("about.conflicts_intro", lang))
    for row in disputed.to_dict("records"):
        alternative = row["status"] == target_registry.ALTERNATIVE
        st.markdown(t("about.conflict_line", lang, indicator=label(row["indicator"]),
                      year=row["year"],
                      percent=format_percent(row["target_percent"], lang),
                      state=t("about.conflict_alternative" if alternative
                              else "about.conflict_used", lang),
                      source=cite(row), note=plain(row["note"])))
st.subheader(t("about.sources", lang))
for repo in sources.load_manifest()["repositories"]:
    st.markdown(t("about.source_line", lang, **repo))
own = cached.boundary_record()  # an office's own boundary file, when one is active
st.markdown(plain(boundary_report.credit(own, lang)) if own else t("boundary.default", lang))
if own:
    st.caption(plain(boundary_report.where_from(
        own, region_ref.names(region_ref.province_rows(cached.region_table())), lang)))
st.caption(t("about.boundaries_note", lang))
record = cached.build_record()
if record:
    st.caption(t("about.build", lang, regencies=record.get("regencies"),
                 provinces=record.get("provinces"),
                 national_kb=round(record.get("national_bytes", 0) / 1024)))
