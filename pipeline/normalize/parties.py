"""Party marks after a name: "Anna Berg (S)", "Olle Ek (kd)".

One list for the attendance lines (:mod:`pipeline.extract`) and the reservations
(:mod:`pipeline.proceedings`), so a mark is a party in both or in neither: words in
parentheses that are not a party ("(ers)", "(ordf)") stay the person's note or title.
"""

from __future__ import annotations

import re

PARTY_MARK = re.compile(r"\s*\(([A-Za-zÅÄÖåäö]{1,3})\)")
PARTIES = {"S", "M", "C", "V", "KD", "L", "MP", "SD", "FP", "KDS", "NYD", "FI", "PP", "SPI"}


def party_after(text: str, end: int) -> str | None:
    """'Anna Berg (s), ordförande' -> 'S': a party abbreviation right after a name."""
    m = PARTY_MARK.match(text, end)
    if m and m.group(1).upper() in PARTIES:
        return m.group(1).upper()
    return None
