"""The page's cursor on the store (the service keeps one connection per process and file,
filled with the demo data on first start), and the signed-in or demo principal."""

from __future__ import annotations

import duckdb
import streamlit as st

from service import results, session, uploads


def identity_provider() -> bool:
    """True when ``[auth]`` is configured in secrets.toml (it then takes precedence)."""
    try:
        return "auth" in st.secrets
    except Exception:  # an unreadable secrets file: not configured
        return False


@st.cache_resource(show_spinner="Öppnar databasen …")
def _started(path: str) -> bool:
    """Once per process and store: open (and on first start fill) the store, and delete
    staged uploads left over from a process that ended."""
    session.connection(path, demo=not identity_provider())
    uploads.sweep()
    return True


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor of its own for each script run on the store itself, for the writes a page
    makes (DuckDB refuses one connection used from two threads at once, and every Streamlit
    session runs in a thread). Views read through service.views instead."""
    path = str(session.db_path())
    _started(path)
    return session.write_cursor(path)


def reader() -> duckdb.DuckDBPyConnection:
    """A cursor for a page's own reads: on this process's copy of the store (as of the
    meeting shown, if one is), which a write of this process brings up to date at once."""
    return session.cursor()


def begin_run() -> None:
    """A new script run of the page (main.py): see service.session.begin_run."""
    session.begin_run()


def store_or_stop() -> None:
    """Open the store (on first start fill it) or, when it cannot be opened (a catalog that
    cannot be reached, a store of an older kind), say so in Swedish and stop the page: never a
    traceback. Tried again at every page load, so the page comes back with the catalog."""
    try:
        _started(str(session.db_path()))
        session.check_reachable()
        # Results the data, catalogue or program changed since they were stored, in the
        # background: once at start, and again when a catalogue file is edited (pages
        # compute what is not stored yet on the request, as before).
        results.refresh_when_catalogue_changes()
    except session.StoreUnreachableError as exc:
        st.title("Databasen går inte att nå")
        st.error(
            "Instrumentpanelens databas (katalogen med alla uppgifter) svarar inte just nu, så "
            "sidan kan inte visas. Inget har ändrats. Försök igen om en stund; om felet "
            "består, kontakta den som driftar instrumentpanelen."
        )
        st.caption(f"Tekniska uppgifter: {session.redact(str(exc))}")
        st.stop()
    except session.EarlierStoreError as exc:
        st.title("Databasen behöver flyttas över")
        st.error(
            f"Det finns ingen databas i {exc.file}, men en databas från en tidigare version "
            f"finns i {exc.earlier}. Instrumentpanelen startar inte en ny, tom databas bredvid "
            "den, så inget har skapats och inget har ändrats. Den som driftar "
            "instrumentpanelen flyttar över uppgifterna så här (i projektmappen):"
        )
        st.code(session.way_over(exc), language="sh")
        st.caption("Starta sedan om instrumentpanelen. Mer i docs/store.md (Export and import).")
        st.stop()
    except session.StoreError as exc:
        st.title("Databasen kan inte öppnas")
        st.error(
            "Instrumentpanelens databas kan inte öppnas, så sidan kan inte visas. Inget har "
            "ändrats. Kontakta den som driftar instrumentpanelen och ge dem uppgifterna nedan."
        )
        st.caption(f"Tekniska uppgifter: {session.redact(str(exc))}")
        st.stop()
