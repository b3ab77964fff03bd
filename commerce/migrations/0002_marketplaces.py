"""The five marketplaces (docs/product.md: marketplaces)."""

from django.db import migrations

MARKETPLACES = [
    ("uk", "Amazon.co.uk", "en-GB", "GBP", "United Kingdom"),
    ("fr", "Amazon.fr", "fr", "EUR", "France"),
    ("de", "Amazon.de", "de", "EUR", "Germany"),
    ("it", "Amazon.it", "it", "EUR", "Italy"),
    ("es", "Amazon.es", "es", "EUR", "Spain"),
]


def create_marketplaces(apps, schema_editor):
    Marketplace = apps.get_model("commerce", "Marketplace")
    for code, name, language, currency, country in MARKETPLACES:
        Marketplace.objects.update_or_create(
            code=code,
            defaults={"name": name, "language": language, "currency": currency, "country": country},
        )


def remove_marketplaces(apps, schema_editor):
    apps.get_model("commerce", "Marketplace").objects.filter(code__in=[m[0] for m in MARKETPLACES]).delete()


class Migration(migrations.Migration):
    dependencies = [("commerce", "0001_initial")]
    operations = [migrations.RunPython(create_marketplaces, remove_marketplaces)]
