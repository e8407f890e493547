from __future__ import annotations

from indicators import assessment


def test_disagreement_needs_a_justification() -> None:
    statuses = ["improvement", "deterioration", "insufficient_data"]
    assert assessment.calculated(statuses) == "blandat"
    assert assessment.disagrees("uppfyllt helt", statuses)
    assert assessment.check("uppfyllt helt", statuses, "") == [
        "bedömningen går emot vad indikatorerna visar: skriv en motivering (minst 10 tecken)"
    ]
    assert assessment.check("uppfyllt helt", statuses, "Åtgärderna genomfördes som planerat.") == []
    assert not assessment.disagrees("delvis", statuses)


def test_judged_not_met_while_everything_improves() -> None:
    assert assessment.disagrees("ej uppfyllt", ["improvement", "target_met"])
    assert not assessment.disagrees("ej uppfyllt", ["improvement", "no_significant_change"])
    assert assessment.calculated(["no_significant_change"]) == "oförändrat"
    assert assessment.calculated([]) == "underlag saknas"
    assert assessment.check("kanske", [], None) == [
        "bedömningen ska vara en av: uppfyllt helt, delvis, ej uppfyllt"
    ]
