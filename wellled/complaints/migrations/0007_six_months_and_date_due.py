"""The six months end a day earlier, and every first response has the date it was due.

* `backstop_due`: the six months beginning on the day of receipt end on the day
  before the corresponding date (reg 14(2); clocks.six_months_after), not on it.
  Each case's last day is worked out again from its receipt and its agreements.
* `first_response_due`: a first response sent with no date agreed or set was due on
  the six months' last day; it is recorded, as the response action now does.
* The measures' roll-up is counted again, since both dates change what it counts.

Reversing leaves the data as it is (the old dates were wrong).
"""

from django.db import migrations


def _agreements(clocks, complaint, extensions):
    return clocks.agreements(
        basis_agreed=complaint.response_date_basis == "agreed",
        agreed_on=complaint.response_date_agreed_on,
        response_due=complaint.response_due,
        extensions=[(e.agreed_on, e.previous_date, e.new_date) for e in extensions],
    )


def recount(apps, schema_editor):
    from wellled.complaints import clocks, rollup

    Complaint = apps.get_model("complaints", "Complaint")
    ResponseExtension = apps.get_model("complaints", "ResponseExtension")
    extensions = {}
    for extension in ResponseExtension.objects.order_by("pk"):
        extensions.setdefault(extension.complaint_id, []).append(extension)
    changed = []
    for complaint in Complaint.objects.filter(backstop_due__isnull=False).iterator():
        found = extensions.get(complaint.pk, [])
        if complaint.reopen_count:
            # A reopening cleared the first agreement, so it cannot be read again:
            # only the plain six months move (to their new last day).
            backstop = complaint.backstop_due
            if backstop == clocks.add_months(complaint.received_on, clocks.BACKSTOP_MONTHS):
                backstop = clocks.six_months_after(complaint.received_on)
        else:
            backstop = clocks.statutory_backstop(
                complaint.received_on, _agreements(clocks, complaint, found)
            )
        first_due = complaint.first_response_due
        if complaint.first_responded_on is not None and first_due is None:
            first_due = backstop
        if (backstop, first_due) != (complaint.backstop_due, complaint.first_response_due):
            complaint.backstop_due = backstop
            complaint.first_response_due = first_due
            changed.append(complaint)
    Complaint.objects.bulk_update(
        changed, ["backstop_due", "first_response_due"], batch_size=2000
    )
    rollup.rebuild_at_once(
        complaint_model=Complaint,
        issue_model=apps.get_model("complaints", "ComplaintIssue"),
        cell_model=apps.get_model("complaints", "MeasureCell"),
        measured_model=apps.get_model("complaints", "MeasuredComplaint"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0006_held_uploads"),
    ]

    operations = [
        migrations.RunPython(recount, migrations.RunPython.noop),
    ]
