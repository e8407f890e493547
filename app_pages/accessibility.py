"""Tillgänglighet: the tillgänglighetsredogörelse (issue 38), as docs/tillganglighetsredogorelse
states it (its automated part written from axe-core's latest results, checked by the browser
tier): conformance with WCAG 2.1 AA, what is not yet accessible, how to report a problem and
the supervisory authority, dated."""

from __future__ import annotations

import streamlit as st

from service import accessibility

st.markdown(accessibility.current())
