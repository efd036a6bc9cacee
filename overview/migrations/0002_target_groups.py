from django.db import migrations

TARGET_GROUPS = [
    ("primary_school", "Grundskole", "Primary school"),
    ("youth_education", "Ungdomsuddannelse", "Youth education"),
    ("teachers", "Lærere", "Teachers"),
    ("higher_education", "Videregående uddannelse", "Higher education"),
    ("employed", "Beskæftigede", "Employed"),
    ("unemployed", "Ledige", "Unemployed"),
]


def load(apps, schema_editor):
    TargetGroup = apps.get_model("overview", "TargetGroup")
    for position, (code, name_da, name_en) in enumerate(TARGET_GROUPS):
        TargetGroup.objects.update_or_create(
            code=code, defaults={"name_da": name_da, "name_en": name_en, "position": position}
        )


def unload(apps, schema_editor):
    apps.get_model("overview", "TargetGroup").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("overview", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
