"""The judgement of a goal (uppfyllt helt / delvis / ej uppfyllt) beside what the indicators
say: when the two disagree the justification is required."""

from __future__ import annotations

from collections.abc import Iterable

JUDGEMENTS = ["uppfyllt helt", "delvis", "ej uppfyllt"]
GOOD = {"target_met", "on_track", "improvement"}
BAD = {"wrong_direction", "deterioration"}
MIN_JUSTIFICATION = 10


def calculated(statuses: Iterable[str]) -> str:
    """One word for an area from its indicators' statuses: what a reader would say."""
    codes = [s for s in statuses if s and s != "insufficient_data"]
    if not codes:
        return "underlag saknas"
    good, bad = sum(s in GOOD for s in codes), sum(s in BAD for s in codes)
    if bad and not good:
        return "försämring"
    if good and not bad:
        return "förbättring"
    if good and bad:
        return "blandat"
    return "oförändrat"


def disagrees(judgement: str, statuses: Iterable[str]) -> bool:
    """Judged met while some indicator shows a significant deterioration, or judged not met
    while every indicator with data improves or meets its target."""
    codes = [s for s in statuses if s and s != "insufficient_data"]
    if judgement == "uppfyllt helt":
        return any(s in BAD for s in codes)
    if judgement == "ej uppfyllt":
        return bool(codes) and all(s in GOOD for s in codes)
    return False


def check(judgement: str, statuses: Iterable[str], justification: str | None) -> list[str]:
    """Problems with an assessment (Swedish); empty when it may be saved."""
    problems = []
    if judgement not in JUDGEMENTS:
        problems.append(f"bedömningen ska vara en av: {', '.join(JUDGEMENTS)}")
    text = (justification or "").strip()
    if disagrees(judgement, list(statuses)) and len(text) < MIN_JUSTIFICATION:
        problems.append(
            "bedömningen går emot vad indikatorerna visar: skriv en motivering (minst "
            f"{MIN_JUSTIFICATION} tecken)"
        )
    return problems
