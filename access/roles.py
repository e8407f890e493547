"""Who may do what: läsare view; rapportör upload, keep the action register, assess and write
for the districts they are given (city-wide when given none), write and submit their
districts' reports to the beredningsgrupp, and undo their own uploads; beredningsgrupp view,
review the districts' reports (return them with comments, or approve them) and keep the
handlingsplan, nothing else;
administratör everything, including undo of any batch and the audit log. Checked on the server
in the write paths, whatever the page shows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

CITY = "0180"
# "meetings": saving the figures as they stand under a meeting's name; "events": dated
# events on the charts' time axis; "targets": targets set in the app. Loads of the public
# sources ("load") and accounts are the administratör's alone. "agreements": a district's
# local agreement; "calendar": marking an item of the årshjul done; "reports": writing and
# submitting a district's report to the beredningsgrupp. "review" (returning or approving a
# submitted report) is the beredningsgrupp's and the administratör's, never a rapportör's.
ROLES = ("läsare", "rapportör", "beredningsgrupp", "administratör")
REVIEW = "review"
# "plan": the handlingsplan of the overarching agreement, kept by the beredningsgrupp (and the
# administratör).
PLAN = "plan"
# "alerts": subscribing to alerts by e-mail, for oneself (any role); removing one's own.
ALERTS = "alerts"
WRITE = (
    "upload",
    "actions",
    "assessments",
    "comments",
    "meetings",
    "events",
    "targets",
    "agreements",
    "calendar",
    "reports",
)


class PermissionDenied(PermissionError):
    """Refused; the message (Swedish) says what the role may not do."""


@dataclass(frozen=True)
class Principal:
    name: str
    role: str
    districts: tuple[str, ...] = ()
    demo: bool = False  # demo mode (no sign-in): a name typed, not an account

    @property
    def city_wide(self) -> bool:
        return self.role == "administratör" or (self.role == "rapportör" and not self.districts)


DEMO = Principal("demo", "administratör")


def allowed(
    principal: Principal, action: str, regions: Iterable[str] = (), owner: str | None = None
) -> bool:
    if principal.role == "administratör":
        return True
    if action == ALERTS:  # one's own alerts, whatever the role
        return owner is None or owner == principal.name
    if principal.role == "beredningsgrupp":
        return action in ("view", REVIEW, PLAN)
    if principal.role != "rapportör" or action in ("audit", "accounts", "examples"):
        return action == "view"
    if action == "undo":
        return owner == principal.name
    if action not in WRITE:
        return action == "view"
    if principal.city_wide:
        return True
    return all(code in principal.districts for code in regions)


def require(
    principal: Principal,
    action: str,
    regions: Iterable[str] = (),
    owner: str | None = None,
    names: Mapping[str, str] | None = None,
) -> None:
    """Raise PermissionDenied unless ``allowed``; ``names`` (code → name) makes the message
    name the districts."""
    codes = list(regions)
    if allowed(principal, action, codes, owner):
        return
    if action == ALERTS:
        raise PermissionDenied(f"{principal.name} kan bara ta bort sina egna bevakningar.")
    if principal.role == "läsare":
        raise PermissionDenied(f"{principal.name} har rollen läsare och kan inte ändra något.")
    if action == "undo":
        raise PermissionDenied("En rapportör kan bara ångra sina egna uppladdningar.")
    if action == "audit":
        raise PermissionDenied("Loggen är bara för administratörer.")
    if action == "accounts":
        raise PermissionDenied("Bara administratörer kan ändra konton.")
    if action == "examples":
        raise PermissionDenied("Bara administratörer kan ta bort exempeldata.")
    if action == REVIEW:
        raise PermissionDenied(
            f"{principal.name} har rollen {principal.role}: bara beredningsgruppen och "
            "administratörer granskar, återsänder och godkänner stadsdelsområdenas rapporter."
        )
    if action == PLAN:
        raise PermissionDenied(
            f"{principal.name} har rollen {principal.role}: handlingsplanen skrivs och "
            "fastställs av beredningsgruppen och administratörer."
        )
    if principal.role == "beredningsgrupp":
        raise PermissionDenied(
            f"{principal.name} har rollen beredningsgrupp: den granskar och godkänner "
            "rapporter men ändrar inga andra uppgifter."
        )
    names = names or {}
    own = ", ".join(names.get(c, c) for c in principal.districts)
    outside = ", ".join(sorted(names.get(c, c) for c in set(codes) - set(principal.districts)))
    raise PermissionDenied(
        f"{principal.name} får bara ändra uppgifter för {own}; inte för {outside}."
    )
