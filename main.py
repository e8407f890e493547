"""The Streamlit script: page settings, sign-in and navigation (pages live in app_pages/).
Served by dashboard.py, which puts the front gate of web/ in front of it."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

st.set_page_config(
    page_title="Uppföljning: samverkan Stockholms stad och Polisregion Stockholm",
    layout="wide",
)
# The first run in a new process imports the pages, opens the store (on first start: puts
# the demo data in place) and computes the first page: say so from its first moment (issue
# 36), until the page is drawn. Later runs (the pages imported) show nothing here.
starting = st.empty()
if "app_pages.state" not in sys.modules:
    starting.info(
        "Instrumentpanelen startar … Första gången läggs demodata in i databasen och sidan "
        "beräknas; det tar några sekunder.",
        icon=":material/hourglass_top:",
    )

# After the message: these imports are the first run's wait.
from app_pages import meetings as meeting_view  # noqa: E402
from app_pages import state  # noqa: E402
from app_pages.signin import (  # noqa: E402
    identity_provider,
    local_accounts,
    require_identity_provider_sign_in,
    require_sign_in,
)
from service.accounts import REAL_DATA_WARNING, demo_refusal, other_than_demo_data  # noqa: E402

# Also when started from another folder (where .streamlit/config.toml is not read): tables are
# downloaded only through the app's own, formula-safe buttons.
st.set_option("client.disableDataExport", True)

# Printing a page: A4 landscape, its content only, scaled to the paper (app_pages/print.css).
PRINT_CSS = Path(__file__).with_name("app_pages") / "print.css"
st.html(f"<style>{PRINT_CSS.read_text(encoding='utf-8')}</style>")
# Narrower side margins than Streamlit's wide layout (5 rem a side): 1440 px wide screens get
# about a hundred pixels more for tables (issue 36: nothing cut off at 1440×1000).
st.html(
    "<style>@media screen and (min-width: 1024px) {[data-testid='stMainBlockContainer'] "
    "{padding-left: 2rem; padding-right: 2rem;}}</style>"
)
# Captions in a grey that reads (WCAG 2.1 AA, 4,5:1 against white; Streamlit draws them at
# 60 % opacity, 3,9:1; this grey is 6,5:1): axe-core's color-contrast rule
# (tests/e2e/test_accessibility.py, issue 38).
st.html(
    "<style>[data-testid='stCaptionContainer'] {opacity: 1 !important;} "
    "[data-testid='stCaptionContainer'], [data-testid='stCaptionContainer'] * "
    "{color: #5f5e5c !important;}"
    # Text for a screen reader only (a small chart's figures, app_pages/charts.figures_html).
    ".sr-only {position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; "
    "overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0;}</style>"
)

# A new run: what is read once per run (the catalogue's version) is read again.
state.begin_run()
# The store opened (and on first start filled), or a Swedish page saying why it cannot be.
try:
    state.store_or_stop()
except BaseException:  # the page saying why it cannot open the store: no "startar" above it
    starting.empty()
    raise

LOCAL_ADDRESSES = {"127.0.0.1", "localhost", "::1"}

# The identity provider when [auth] is configured; else local accounts when the store has
# accounts; else demo mode (every role open, localhost only).
user = None
if identity_provider():
    user = require_identity_provider_sign_in()
elif local_accounts():
    user = require_sign_in()
else:
    if str(st.get_option("server.address") or "") not in LOCAL_ADDRESSES:
        st.error(
            "Inloggning är inte inställd, och då får instrumentpanelen bara nås från den här "
            "datorn. Starta den från projektmappen (där .streamlit/config.toml sätter "
            "server.address = 127.0.0.1) eller ställ in inloggning enligt README."
        )
        st.stop()
    refused = demo_refusal(st.context.ip_address, dict(st.context.headers or {}))
    if refused is not None:
        st.title("Inloggning krävs")
        st.error(refused)
        st.stop()
    st.sidebar.info(
        "Demoläge: inloggning är avstängd, så alla som når sidan kan se och ändra allt. "
        "Servern lyssnar bara på den här datorn."
    )
    if other_than_demo_data():
        st.sidebar.warning(REAL_DATA_WARNING)

WRITERS = {"app_pages/actions.py", "app_pages/upload.py"}
ADMINS = {"app_pages/audit.py", "app_pages/accounts.py", "app_pages/quality.py"}
SIGNED_IN_ONLY = {"app_pages/accounts.py"}  # no accounts to keep in demo mode


def visible(path: str) -> bool:
    """Pages a role may not use are not shown (and their writes refuse it anyway)."""
    if user is None:
        return path not in SIGNED_IN_ONLY
    if path in ADMINS:
        return user.role == "administratör"
    if path in WRITERS:
        return user.role in ("rapportör", "administratör")
    return True


PAGES = [
    ("app_pages/overview.py", "Översikt", "oversikt"),
    ("app_pages/district.py", "Stadsdelsområde", "stadsdelsomrade"),
    ("app_pages/indicator.py", "Indikator", "indikator"),
    ("app_pages/compare.py", "Jämför", "jamfor"),
    ("app_pages/meeting.py", "Mötesläge", "moteslage"),
    ("app_pages/crime.py", "Anmälda brott", "anmalda-brott"),
    ("app_pages/actions.py", "Åtgärder", "atgarder"),
    ("app_pages/agreements.py", "Lokala överenskommelser", "lokala-overenskommelser"),
    ("app_pages/arshjul.py", "Årshjul", "arshjul"),
    ("app_pages/reports.py", "Rapporter", "rapporter"),
    ("app_pages/plan.py", "Handlingsplan", "handlingsplan"),
    ("app_pages/alerts.py", "Bevakningar", "bevakningar"),
    ("app_pages/events.py", "Händelser", "handelser"),
    ("app_pages/targets.py", "Mål", "mal"),
    ("app_pages/year_end.py", "Årssammanställning", "arssammanstallning"),
    ("app_pages/upload.py", "Ladda upp", "ladda-upp"),
    ("app_pages/data_status.py", "Datastatus", "datastatus"),
    ("app_pages/quality.py", "Datakvalitet", "datakvalitet"),
    ("app_pages/audit.py", "Logg", "logg"),
    ("app_pages/accounts.py", "Konton", "konton"),
    ("app_pages/accessibility.py", "Tillgänglighet", "tillganglighet"),
]
# A saved meeting (?mote=NAME, or the sidebar's choice): every page reads the store as it was.
meeting_view.sidebar(user)

navigation = st.navigation(
    [
        st.Page(path, title=title, url_path=url, default=path.endswith("overview.py"))
        for path, title, url in PAGES
        if visible(path)
    ],
    # Every page listed: collapsed, Streamlit would show "View 3 more" (in English).
    expanded=True,
)
try:
    navigation.run()
finally:
    starting.empty()  # the first page is drawn (or stopped): the start message goes
