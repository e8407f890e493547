"""What the pages share for rendering: status badges, Swedish tables, download buttons, the
link to the current view, the printed header, user text made literal for Markdown. The values
come from the service's modules (cached there on what they depend on); nothing is passed
through here."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape
from urllib.parse import urlencode, urlsplit

import pandas as pd
import streamlit as st

from service import indicator_values, overview, uploads
from swedish.format import date_text


def source_line(definition: indicator_values.Definition) -> str:
    return indicator_values.source_line(definition.source)


def explanations(items: list[tuple[str, str]]) -> None:
    """What each indicator's status means, under its table, whole and wrapped."""
    st.markdown(
        "\n".join(f"- **{title}:** {text}" for title, text in items if text),
        help=None,
    )


# Status → (symbol, Streamlit colour). The word is always shown: never colour alone.
# Blue/orange/red-violet stay apart for the common colour-vision deficiencies.
BADGES = {
    "target_met": ("✔", "blue"),
    "on_track": ("↗", "blue"),
    "improvement": ("↗", "blue"),
    "right_direction_too_slow": ("→", "orange"),
    "no_significant_change": ("→", "gray"),
    "deterioration": ("↘", "red"),
    "wrong_direction": ("↘", "red"),
    "insufficient_data": ("…", "gray"),
}


def badge(code: str, label: str) -> str:
    symbol, colour = BADGES.get(code, ("…", "gray"))
    return f":{colour}[{symbol} {label}]"


def badge_text(code: str, label: str) -> str:
    """The badge for tables (no colour markup): symbol and word."""
    return f"{BADGES.get(code, ('…', ''))[0]} {label}"


def downloads(frame: pd.DataFrame, name: str, key: str) -> None:
    """CSV (Swedish Excel dialect: ';' and decimal comma) and Excel of a table."""
    download_files(indicator_values.table_files(frame), name, key)


def download_files(
    files: tuple[Callable[[], bytes], Callable[[], bytes]], name: str, key: str
) -> None:
    """The buttons for a CSV and an Excel file, each built when pressed."""
    csv, xlsx = files
    left, right = st.columns(2)
    # Built when pressed, with no rerun after (a rerun would drop a second press made while it
    # ran: the file a button stands for is registered anew at every run).
    left.download_button(
        "Ladda ner CSV", csv, f"{name}.csv", "text/csv", key=f"{key}_csv", on_click="ignore"
    )
    right.download_button(
        "Ladda ner Excel",
        xlsx,
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
    )


def file_name(*parts: object) -> str:
    """A download's file name (without suffix) that says what it holds: its parts as short
    names, "Årssammanställning", 2025, "Hela staden" → "arssammanstallning_2025_hela-staden"."""
    return "_".join(indicator_values.slug(str(p)) for p in parts if str(p).strip())


def pack_buttons(key: str, make: Callable[[], object], name: str | None = None) -> None:
    """Download what the page shows as a meeting pack, PDF and PowerPoint: a title page
    naming agreement, area, period, boundaries and data version, then the page's content.
    ``make`` builds the pack (service.packs) when a button is pressed (matplotlib and
    python-pptx, no browser). ``name``: what the files hold (:func:`file_name`), else ``key``."""
    from service import packs

    pdf, pptx = packs.files(make)  # type: ignore[arg-type]
    left, right = st.columns(2)
    left.download_button(
        "Mötespaket (PDF)",
        pdf,
        f"motespaket_{name or key}.pdf",
        "application/pdf",
        key=f"{key}_pack_pdf",
        on_click="ignore",
    )
    right.download_button(
        "Mötespaket (PowerPoint)",
        pptx,
        f"motespaket_{name or key}.pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        key=f"{key}_pack_pptx",
        on_click="ignore",
    )


def view_address(url: str, page: str, query: str) -> str:
    """The address of a view: the app's own address (behind a proxy, with its path), the
    page's path and the query. ``url`` is the address the browser shows now: on the start
    page that may be the bare host ("http://host:8501"), which has no page to drop."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if page and path.rsplit("/", 1)[-1] == page:
        path = path.rsplit("/", 1)[0]
    base = f"{parts.scheme}://{parts.netloc}{path}" if parts.netloc else path
    address = f"{base}/{page}" if page else f"{base}/"
    return f"{address}?{query}" if query else address


def _address(page: str) -> str:
    query = urlencode({k: v for k, v in st.query_params.to_dict().items()})
    try:
        url = str(st.context.url)  # type: ignore[attr-defined]
    except Exception:
        url = ""
    return view_address(url, page, query)


def print_header(page: str, choices: Sequence[tuple[str, object]] = ()) -> None:
    """The header a printout of the page starts with, shown only on paper (print.css): the
    view's ``choices`` (label, value), when it was printed and the view's address. Call it
    where the choices are made (a page's first lines)."""
    st.html(_print_header_html(choices, _address(page), datetime.now()))


def link_to_view(page: str) -> None:
    """The address of exactly this view, ready to copy (the code box has a copy button); not
    printed."""
    with st.container(key="view_link"):
        st.caption("Länk till den här vyn (kopiera med knappen i rutan):")
        st.code(_address(page), language=None)


# Okabe–Ito tints for status cells (the symbol and the word carry the meaning too).
STATUS_TINTS = {"✔": "#cfe3f2", "↗": "#cfe3f2", "→": "#f7e6c4", "↘": "#f5d3c2", "…": "#ececec"}


def style_status(frame: pd.DataFrame, column: str = "Status") -> object:
    """A Styler that tints the status column by its symbol."""

    def tint(value: object) -> str:
        symbol = str(value)[:1]
        return f"background-color: {STATUS_TINTS[symbol]}" if symbol in STATUS_TINTS else ""

    return frame.style.map(tint, subset=[column])


def indicator_followup(
    area: str,
    comments: pd.DataFrame,
    assessments: pd.DataFrame,
    indicator: str | None = None,
) -> None:
    """The assessments and comments made of single indicators (of an area, or one indicator),
    newest year first, with who wrote them (service.overview.followup_notes)."""
    for note in overview.followup_notes(area, comments, assessments, indicator):
        st.caption(f"{note.label} {note.year}, {note.place}, av {note.title} ({plain(note.who)}):")
        st.text(note.body)


def staged_upload(upload: object, key: str) -> uploads.Staged | None:
    """The uploaded file, staged privately while its preview is open. A new file replaces
    (and deletes) the previous one; removing it from the uploader deletes it; once saved it
    is deleted and not staged again (choose the file anew to load it again)."""
    held: uploads.Staged | None = st.session_state.get(key)
    if upload is None:
        if held is not None:
            held.discard()
            del st.session_state[key]
        return None
    data = upload.getvalue()  # type: ignore[attr-defined]
    digest = uploads.digest(data)
    if held is not None and held.digest == digest:
        if not held.exists:
            st.caption(f"{held.name} är sparad. Välj filen igen för att läsa in den på nytt.")
            return None
        return held
    if held is not None:
        held.discard()
    staged = uploads.stage(data, upload.name)  # type: ignore[attr-defined]
    st.session_state[key] = staged
    return staged


def saved_message(done_key: str) -> None:
    """What the last write of the page saved (``submit`` keeps it over the rerun): a toast,
    seen wherever the page is scrolled to, and a success box at the top."""
    done = st.session_state.pop(done_key, None)
    if done:
        st.toast(done, icon=":material/check_circle:")
        st.success(done)


def submit(
    actor: object,
    write: Callable[[object], object],
    done_key: str,
    success: Callable[[object], str],
) -> None:
    """Run a form's write of the service as ``actor``: what it refuses is said in Swedish on
    the page; what it saved is said after a fresh run (``done_key`` in the session), so the
    lists on the page show the saved state."""
    from service.writes import PermissionDenied, RuleBroken

    if actor is None:
        st.error("Skriv ditt namn först: det sparas med varje ändring.")
        return
    try:
        result = write(actor)
    except (PermissionDenied, RuleBroken) as exc:
        message = str(exc)
        st.error(message if message.startswith("Sparades inte") else f"Sparades inte: {message}")
        return
    st.session_state[done_key] = success(result)
    st.rerun()


def _print_header_html(choices: Sequence[tuple[str, object]], address: str, now: datetime) -> str:
    """The HTML of the header a printed page starts with (hidden on screen): the view's
    choices, when it was printed and its address, so a printout says what it shows."""
    chosen = " · ".join(f"{escape(label)}: {escape(str(value))}" for label, value in choices)
    when = f"{date_text(now.date())} kl. {now:%H.%M}"
    return (
        '<div class="print-only" style="font-size: 0.9rem; border-bottom: 1px solid #999; '
        'padding-bottom: 0.3rem">'
        + (f"<div><b>Urval:</b> {chosen}</div>" if chosen else "")
        + f"<div>Utskriven {escape(when)} från {escape(address)}</div></div>"
    )


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$])")


def plain(text: object) -> str:
    """Text a user typed (a name, a file name) for a Markdown element, shown literally:
    every character Markdown or Streamlit's directives would act on is escaped, so
    ``![](http://…)`` is not an image fetched from another host and ``:red[x]`` no colour."""
    return _MARKDOWN.sub(r"\\\1", " ".join(str(text).split()))


def seen_version(form: str, first_key: str, current: int) -> int:
    """The version of a versioned document (a report, the handlingsplan) a form was drawn
    with: kept while the form holds the user's typing (``first_key``, one of its widgets, is
    in the session), so a save made on it is checked against it and a second tab's or another
    user's newer version is never overwritten; a fresh form is drawn with ``current``. After
    its own save the page calls :func:`saw_version`."""
    seen_key = f"{form}_version"
    if first_key not in st.session_state or seen_key not in st.session_state:
        st.session_state[seen_key] = current
    return int(st.session_state[seen_key])


def saw_version(form: str, version: int) -> None:
    """The form now shows ``version`` (its own save)."""
    st.session_state[f"{form}_version"] = version
