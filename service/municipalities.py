"""The Stockholm County municipalities compared (Kommuner): the table and the sentence."""

from __future__ import annotations

from indicators import municipalities

municipality_table = municipalities.municipality_table


municipality_sentence = municipalities.municipality_sentence
