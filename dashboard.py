"""The dashboard's server: ``streamlit run dashboard.py`` serves the Streamlit script
``main.py`` (pages, sign-in and navigation) behind the front gate of ``web/`` (security
headers, the metrics endpoint closed, demo mode for this computer only, and the sign-in page
and session cookie of local accounts)."""

from __future__ import annotations

import streamlit as st
from starlette.middleware import Middleware

from web.gate import Gate, routes

app = st.App("main.py", routes=routes(), middleware=[Middleware(Gate)])
