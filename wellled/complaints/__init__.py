"""Complaints and PALS: statutory clocks, agreed timescales and recorded learning.

Who may do what (capabilities in wellled/organisation/access.py):

* VIEW_COMPLAINTS: complaints managers and handlers (granted on the trust, so
  every case) and service leads (cases whose service, team or site lies within
  the unit their role is granted on). It opens case content: the people, the
  summary, the issues.
* MANAGE_COMPLAINTS: complaints managers and handlers. Every write action needs
  it over the complaint's service.
* SIGN_OFF_COMPLAINTS: the responsible person (regulation 4, the executive role)
  and complaints managers as their delegates. Executives see only the cases
  waiting for their signature (status "draft response"), nothing else.
* VIEW_COMPLAINT_MEASURES: board members, executives, governance leads,
  auditors, complaints staff and service leads. Aggregate measures only: the
  pages built on it must never show a name, a summary or a reference that leads
  to one. Board and governance roles have no VIEW_COMPLAINTS at all.
* MANAGE_COMPLAINT_REFERENCE_DATA: complaints managers edit the code lists.
* Platform operators (superusers) do not hold the case capabilities: complaint
  content is patients' health data (see OPERATOR_EXCLUDED).

Personal data never reaches the audit trail: snapshots name the patient and
complainant by id, and say only whether free text changed. Pages that show a
case must call `wellled.core.audit.record_view` (see queries.py).
"""
