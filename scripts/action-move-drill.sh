#!/usr/bin/env bash
# Drill: the move of learning actions and inspection action plans onto the action
# loop (migrations learning/0002, inspections/0002), on the real demo data.
#
# Loads the demo with the code from before the move (commit BEFORE), counts the old
# records, migrates with the code in this checkout, and counts what they became.
# It fails if anything is missing. DATABASE_URL chooses the database (a SQLite file
# by default; give an empty PostgreSQL database to drill there). It needs this
# checkout's .venv (make install).
#
#   scripts/action-move-drill.sh
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/drill scripts/action-move-drill.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=${BEFORE:-3705698}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export DATABASE_URL=${DATABASE_URL:-sqlite:///$work/drill.sqlite3}
export WELLLED_REQUIRE_2FA=false WELLLED_SPEAKUP_EPOCH_KEY_DIR=$work/epochs
py=$PWD/.venv/bin/python

git worktree add -q --detach "$work/old" "$BEFORE"
count() {
  "$py" -c "import sys; from wellled.cli import main; sys.argv=['wellled','shell','--no-imports','-c',sys.argv[1]]; main()" "$1"
}
(
  cd "$work/old"  # the old code is imported from here (the current directory comes first)
  count "from django.core.management import call_command as c; c('migrate', verbosity=0); c('createcachetable'); c('demo')" >/dev/null
  count "
from django.db import connection
cur = connection.cursor()
for label, sql in [
    ('learning', 'select count(*) from learning_learningaction'),
    ('learning_done', 'select count(*) from learning_learningaction where completed_on is not null'),
    ('plans', 'select count(*) from inspections_actionplan'),
    ('plans_signed', 'select count(*) from inspections_actionplan where signed_off_by_id is not null'),
    ('milestones', 'select count(*) from inspections_milestone'),
    ('evidence', 'select count(*) from inspections_completionevidence'),
]:
    cur.execute(sql); print(label, cur.fetchone()[0])
" > "$work/before.txt"
)
"$PWD/.venv/bin/wellled" migrate -v0
count "
from wellled.improvement.models import Action, ActionEvidence, Milestone
learning = Action.objects.filter(legacy_ref__startswith='learning.learningaction:')
plans = Action.objects.filter(legacy_ref__startswith='inspections.actionplan:')
print('learning', learning.count())
print('learning_done', learning.filter(status='done').count())
print('plans', plans.count())
print('plans_signed', plans.filter(signed_off_on__isnull=False).count())
print('milestones', Milestone.objects.filter(action__in=plans).count())
print('evidence', ActionEvidence.objects.filter(legacy_ref__startswith='inspections.completionevidence:').count())
" > "$work/after.txt"
echo "before the move:"; cat "$work/before.txt"
echo "after the move:"; cat "$work/after.txt"
diff "$work/before.txt" "$work/after.txt" && echo "drill passed: every action, sign-off, milestone and item of evidence moved"
