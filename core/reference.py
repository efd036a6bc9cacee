"""Loads the reference data shipped in core/data/ (copied from the project's shared facts)."""

import csv
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_reference_data(apps: Any) -> None:
    """Create or update municipalities, sectors, clusters and subjects. Safe to run again."""
    Municipality = apps.get_model("core", "Municipality")
    Sector = apps.get_model("core", "Sector")
    Cluster = apps.get_model("core", "Cluster")
    Subject = apps.get_model("core", "Subject")
    for row in read_rows("municipalities.csv"):
        Municipality.objects.update_or_create(
            code=int(row["code"]),
            defaults={
                "name": row["name"],
                "region": row["region"],
                "latitude": float(row["lat"]),
                "longitude": float(row["lon"]),
            },
        )
    for row in read_rows("sectors.csv"):
        Sector.objects.update_or_create(
            code=row["code"], defaults={"name_da": row["name_da"], "name_en": row["name_en"]}
        )
    for row in read_rows("clusters.csv"):
        Cluster.objects.update_or_create(
            name=row["name"], defaults={"sector_id": row["sector"], "description": row["description_da"]}
        )
    for row in read_rows("subjects.csv"):
        Subject.objects.update_or_create(
            code=row["code"], defaults={"name_da": row["name_da"], "name_en": row["name_en"]}
        )


def load_learning_goals(apps: Any) -> None:
    """Create or update the curriculum's competence areas. Safe to run again."""
    LearningGoal = apps.get_model("core", "LearningGoal")
    for row in read_rows("learning-goals.csv"):
        grade_min, grade_max = (int(part) for part in row["grades"].split("-"))
        LearningGoal.objects.update_or_create(
            subject_code=row["subject"],
            area_da=row["area_da"],
            defaults={
                "subject_da": row["subject_da"],
                "subject_en": row["subject_en"],
                "grade_min": grade_min,
                "grade_max": grade_max,
                "area_en": row["area_en"],
            },
        )
