"""Load the KO41a, profession and HCAT code lists from data/reference_lists.csv.

Sources are cited per entry in the file (NHS England KO41a guidance and published
"Data on Written Complaints in the NHS"; Gillespie & Reader, HCAT, BMJ Quality &
Safety 2016). Entries marked unverified await the KO41a data items lookup.
"""

from django.db import migrations


def load(apps, schema_editor):
    from wellled.complaints.reference import load_reference_data

    load_reference_data(apps.get_model("complaints", "ReferenceItem"))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
