"""Entry point: page settings and navigation. Pages live in app_pages/."""

from __future__ import annotations

import streamlit as st

st.set_page_config(
    page_title="Uppföljning: samverkan Stockholms stad och Polisregion Stockholm",
    layout="wide",
)


def _sign_in_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:
        return False


if not _sign_in_configured():
    st.sidebar.info(
        "Demoläge: inloggning är avstängd, så alla som når sidan kan se och ändra allt. "
        "Servern lyssnar bara på den här datorn."
    )

navigation = st.navigation(
    [
        st.Page("app_pages/overview.py", title="Översikt", url_path="oversikt", default=True),
        st.Page("app_pages/district.py", title="Stadsdelsområde", url_path="stadsdelsomrade"),
        st.Page("app_pages/indicator.py", title="Indikator", url_path="indikator"),
        st.Page("app_pages/compare.py", title="Jämför", url_path="jamfor"),
        st.Page("app_pages/meeting.py", title="Mötesläge", url_path="moteslage"),
        st.Page("app_pages/crime.py", title="Anmälda brott", url_path="anmalda-brott"),
        st.Page("app_pages/actions.py", title="Åtgärder", url_path="atgarder"),
        st.Page("app_pages/year_end.py", title="Årssammanställning", url_path="arssammanstallning"),
        st.Page("app_pages/upload.py", title="Ladda upp", url_path="ladda-upp"),
        st.Page("app_pages/data_status.py", title="Datastatus", url_path="datastatus"),
        st.Page("app_pages/audit.py", title="Logg", url_path="logg"),
    ]
)
navigation.run()
