"""Self-assessments: the saved plan shown beside an assessment's ratings.

Revision ID: 1202
Revises: 1901

Adds ``assessments.plan_scenario_id``, a link to the saved scenario (``scenarios``) whose
intervention volumes are the evidence of the "adequate service volumes" items; deleting the
scenario leaves the assessment without a plan (``SET NULL``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1202"
down_revision = "1001"
branch_labels = None
depends_on = None

FOREIGN_KEY = "fk_assessments_plan_scenario_id"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with an inline reference in place; Alembic's batch mode would
        # copy the table, and dropping the old copy would cascade to its participants.
        op.execute(
            "ALTER TABLE assessments ADD COLUMN plan_scenario_id INTEGER "
            "REFERENCES scenarios (id) ON DELETE SET NULL"
        )
        return
    op.add_column("assessments", sa.Column("plan_scenario_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        FOREIGN_KEY, "assessments", "scenarios", ["plan_scenario_id"], ["id"], ondelete="SET NULL"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_column("assessments", "plan_scenario_id")  # drops its foreign key too
        return
    # SQLite cannot drop a column that holds a reference: copy the table without it (run
    # with foreign keys off, or the copy's swap cascades to the participants).
    with op.batch_alter_table("assessments") as batch:
        batch.drop_column("plan_scenario_id")
