"""About page: method, sources and licences of the region data."""

from __future__ import annotations

import streamlit as st

from pages.support import cached
from utils.geo import sources
from utils.i18n import t

lang = st.session_state.get("lang", "id")
st.title(t("about.title", lang))
st.markdown(t("about.body", lang))
st.subheader(t("region.definitions", lang))
for item in cached.indicator_defs().values():  # each indicator's numerator and denominator
    st.markdown(t("region.definition_line", lang, indicator=item.label(lang),
                  numerator=item.numerator_en if lang == "en" else item.numerator_id,
                  denominator=item.denominator_en if lang == "en" else item.denominator_id))
st.subheader(t("about.sources", lang))
for repo in sources.load_manifest()["repositories"]:
    st.markdown(t("about.source_line", lang, **repo))
st.caption(t("about.boundaries_note", lang))
record = cached.build_record()
if record:
    st.caption(t("about.build", lang, regencies=record.get("regencies"),
                 provinces=record.get("provinces"),
                 national_kb=round(record.get("national_bytes", 0) / 1024)))
