"""Where demo companies and schools lie: near the centre of their town."""

from __future__ import annotations

import random

# Approximate town centres; a company or school is placed a few hundred metres from them.
TOWNS = {
    "Aalborg": (57.048, 9.919),
    "Aalborg Øst": (57.035, 10.005),
    "Aalborg SV": (57.012, 9.885),
    "Nørresundby": (57.063, 9.925),
    "Vestbjerg": (57.128, 9.958),
    "Brønderslev": (57.270, 9.941),
    "Frederikshavn": (57.441, 10.537),
    "Skagen": (57.720, 10.583),
    "Hjørring": (57.464, 9.982),
    "Hirtshals": (57.588, 9.959),
    "Aabybro": (57.162, 9.731),
    "Blokhus": (57.250, 9.583),
    "Læsø": (57.252, 10.999),
    "Hobro": (56.638, 9.790),
    "Mariager": (56.649, 9.978),
    "Nykøbing M": (56.795, 8.862),
    "Støvring": (56.885, 9.838),
    "Skørping": (56.836, 9.893),
    "Thisted": (56.957, 8.694),
    "Aars": (56.803, 9.518),
}


def near(rng: random.Random, town: str) -> tuple[float, float]:
    """A point a few hundred metres from the town centre."""
    latitude, longitude = TOWNS[town]
    return (
        round(latitude + rng.uniform(-0.006, 0.006), 5),
        round(longitude + rng.uniform(-0.01, 0.01), 5),
    )
