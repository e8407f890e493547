"""Entry point: page settings and navigation. Pages live in app_pages/."""

from __future__ import annotations

import streamlit as st

st.set_page_config(
    page_title="Uppföljning: samverkan Stockholms stad och Polisregion Stockholm",
    layout="wide",
)

navigation = st.navigation(
    [
        st.Page(
            "app_pages/crime.py", title="Anmälda brott", url_path="anmalda-brott", default=True
        ),
        st.Page("app_pages/upload.py", title="Ladda upp", url_path="ladda-upp"),
        st.Page("app_pages/data_status.py", title="Datastatus", url_path="datastatus"),
    ]
)
navigation.run()
