"""The few plain HTML pages the server answers itself (before any Streamlit page): sign-in,
refusal in demo mode, the store's outage or an earlier store, and not found. Swedish,
self-contained (no script, no request to another host), every value escaped."""

from __future__ import annotations

from html import escape

STYLE = """
body { font-family: "Source Sans Pro", "Segoe UI", Arial, sans-serif; background: #f6f7f9;
       color: #1f2430; margin: 0; }
main { max-width: 30rem; margin: 10vh auto; background: #fff; padding: 2rem 2.5rem;
       border-radius: 0.5rem; box-shadow: 0 1px 4px rgba(0,0,0,0.12); }
h1 { font-size: 1.6rem; margin-top: 0; }
label { display: block; margin-top: 1rem; font-weight: 600; }
input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: 0.55rem;
       font-size: 1rem; border: 1px solid #9aa0ab; border-radius: 0.3rem; margin-top: 0.3rem; }
button { margin-top: 1.4rem; padding: 0.6rem 1.4rem; font-size: 1rem; background: #0b5cad;
       color: #fff; border: none; border-radius: 0.3rem; cursor: pointer; }
.error { background: #fde8e8; color: #8a1c1c; padding: 0.7rem 1rem; border-radius: 0.3rem; }
.note { background: #e8f1fb; color: #15406b; padding: 0.7rem 1rem; border-radius: 0.3rem; }
p.small { color: #545b68; font-size: 0.9rem; }
pre { background: #f3f4f6; padding: 0.7rem 1rem; border-radius: 0.3rem; white-space: pre-wrap;
      word-break: break-all; font-size: 0.85rem; }
"""

TITLE = "Uppföljning: samverkan Stockholms stad och Polisregion Stockholm"


def page(heading: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(heading)} – {escape(TITLE)}</title><style>{STYLE}</style></head>"
        f"<body><main><h1>{escape(heading)}</h1>{body}</main></body></html>"
    )


def sign_in_form(
    action: str, form_token: str, name: str = "", error: str = "", note: str = ""
) -> str:
    parts = []
    if note:
        parts.append(f'<p class="note" role="status">{escape(note)}</p>')
    if error:
        parts.append(f'<p class="error" role="alert">{escape(error)}</p>')
    parts.append(
        f'<form method="post" action="{escape(action)}">'
        f'<input type="hidden" name="formular" value="{escape(form_token)}">'
        '<label for="namn">Namn</label>'
        f'<input type="text" id="namn" name="namn" maxlength="80" autocomplete="username" '
        f'value="{escape(name)}" required autofocus>'
        '<label for="losenord">Lösenord</label>'
        '<input type="password" id="losenord" name="losenord" maxlength="200" '
        'autocomplete="current-password" required>'
        '<button type="submit">Logga in</button></form>'
        f'<p class="small">{escape(TITLE)}. Kontot får du av en administratör.</p>'
    )
    return page("Logga in", "".join(parts))


def refused(message: str) -> str:
    return page("Inloggning krävs", f'<p class="error" role="alert">{escape(message)}</p>')


def outage() -> str:
    """The store cannot be read now (its catalog does not answer, or the data folder is
    gone): what the page says instead of a server error."""
    return page(
        "Databasen går inte att nå",
        '<p class="error" role="alert">Instrumentpanelens databas svarar inte just nu, så '
        "sidan kan inte visas. Inget har ändrats. Försök igen om en stund: sidan fungerar "
        "igen så snart databasen svarar. Om felet består, kontakta den som driftar "
        "instrumentpanelen.</p>",
    )


def earlier_store(file: str, earlier: str, steps: str) -> str:
    """No store at the file named, but one of an earlier version beside it: the way over
    (``steps``, the commands the page shows too)."""
    return page(
        "Databasen behöver flyttas över",
        f'<p class="error" role="alert">Det finns ingen databas i {escape(file)}, men en '
        f"databas från en tidigare version finns i {escape(earlier)}. Instrumentpanelen "
        "startar inte en ny, tom databas bredvid den, så inget har skapats och inget har "
        "ändrats. Den som driftar instrumentpanelen flyttar över uppgifterna så här (i "
        f"projektmappen):</p><pre>{escape(steps)}</pre>"
        '<p class="small">Starta sedan om instrumentpanelen. Mer i docs/store.md (Export and '
        "import).</p>",
    )


def not_found() -> str:
    return page("Sidan finns inte", "<p>Adressen finns inte i instrumentpanelen.</p>")
