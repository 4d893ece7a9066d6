"""Who may open each URL of reports: merged into tests/test_url_permissions.py."""

from __future__ import annotations

from tests.url_access_groups import Access, Samples
from wellled.reports.tests.support import sample_metric

# Everyone who holds VIEW_METRICS (leaders, and the roles that read measures).
METRIC_VIEWERS = frozenset(
    {
        "board_member",
        "executive",
        "governance_lead",
        "complaints_manager",
        "service_lead",
        "guardian",
        "edi_lead",
        "involvement_lead",
        "auditor",
        "operator",
    }
)
METRIC_MANAGERS = frozenset({"governance_lead", "operator"})
REBASE_APPROVERS = frozenset({"executive", "operator"})


def _metric(trust):
    return {"slug": sample_metric(trust).slug}


def _rebase(trust):
    metric = sample_metric(trust)
    return {"slug": metric.slug, "pk": metric.rebases.get().pk}


ACCESS: Access = {
    "reports:catalogue": METRIC_VIEWERS,
    "reports:ipr": METRIC_VIEWERS,
    "reports:upload": METRIC_MANAGERS,
    "reports:upload_template": METRIC_MANAGERS,
    "reports:metric_new": METRIC_MANAGERS,
    "reports:metric": METRIC_VIEWERS,
    "reports:metric_edit": METRIC_MANAGERS,
    "reports:metric_upload": METRIC_MANAGERS,
    "reports:annotation_new": METRIC_MANAGERS,
    "reports:rebase_new": METRIC_MANAGERS,
    "reports:rebase_approve": REBASE_APPROVERS,
    "reports:narrative": METRIC_MANAGERS,
    "metric-list": METRIC_VIEWERS,
    "metric-detail": METRIC_VIEWERS,
    "metric-values": METRIC_MANAGERS,
    # Board packs: they cover every service, so VIEW_METRICS over the whole trust.
    "boardpacks:list": METRIC_VIEWERS - {"service_lead"},
    "boardpacks:request": METRIC_MANAGERS,
    "boardpacks:download": METRIC_VIEWERS - {"service_lead"},
}
SAMPLES: Samples = {
    "reports:metric": _metric,
    "reports:metric_edit": _metric,
    "reports:metric_upload": _metric,
    "reports:annotation_new": _metric,
    "reports:rebase_new": _metric,
    "reports:rebase_approve": _rebase,
    "reports:narrative": _metric,
    "metric-detail": lambda trust: {"pk": sample_metric(trust).pk},
    "metric-values": lambda trust: {"pk": sample_metric(trust).pk},
    # Board packs
    "boardpacks:download": lambda trust: _board_pack(trust),
}


# Board packs
def _board_pack(trust):
    import datetime
    import hashlib

    from wellled.reports.models import BoardPack

    pdf = b"%PDF-1.7\n%sample\n"
    pack, _ = BoardPack.objects.get_or_create(
        month=datetime.date(2025, 1, 1),
        defaults={
            "requested_by": trust.people["governance_lead"],
            "status": BoardPack.Status.ISSUED,
            "pdf": pdf,
            "sha256": hashlib.sha256(pdf).hexdigest(),
        },
    )
    return {"pk": pack.pk}
