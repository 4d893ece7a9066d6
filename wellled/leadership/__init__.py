"""Visible leadership: walkround programmes, their rota, visits and feedback to teams.

See docs/leadership.md. Walkround actions are improvement actions whose source is
a visit (improvement_source.py); the rota comes from the pure engine
`wellled.engines.rota`.
"""
