"""Practice bank: case studies, research library, tags, comments, audit, attachments, roles,
and the full-text search table of each database.

Revision ID: 1701
Revises: 1201

Search differs by dialect and is kept out of the ORM metadata (``store.practice.FTS_ARTEFACTS``):

- SQLite: an FTS5 virtual table ``practice_search(doc_key, kind, title, body)`` whose title and
  body hold the stemmed token stream made by :func:`healthgap.practice.search_text.index_text`,
  tokenised by ``unicode61``; ranked with ``bm25``.
- PostgreSQL: a table ``practice_search`` with the same columns plus ``document``, a stored
  generated ``tsvector`` (title weighted A, body D, ``simple`` configuration) with a GIN index;
  ranked with ``ts_rank``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1701"
down_revision = "1201"
branch_labels = None
depends_on = None

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def _document_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slug", sa.String(80), nullable=False, unique=True),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column(
            "author_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("author_name", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "practice_case_studies",
        *_document_columns(),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("evidence", sa.String(16), nullable=False),
        sa.Column("evidence_rank", sa.Integer(), nullable=False),
        sa.Column("review_by", sa.Date(), nullable=False, index=True),
    )
    op.create_table(
        "practice_research_entries",
        *_document_columns(),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("normalised_title", sa.String(500), nullable=False, index=True),
        sa.Column("doi", sa.String(300), nullable=True, unique=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("type", sa.String(24), nullable=False),
    )
    op.create_table(
        "practice_tags",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("doc_key", sa.String(100), nullable=False, index=True),
        sa.Column("facet", sa.String(24), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.UniqueConstraint("doc_key", "facet", "value", name="uq_practice_tags"),
    )
    op.create_index("ix_practice_tags_facet_value", "practice_tags", ["facet", "value"])
    op.create_table(
        "practice_comments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("doc_key", sa.String(100), nullable=False, index=True),
        sa.Column(
            "author_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("author_name", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "practice_audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("doc_key", sa.String(100), nullable=False, index=True),
        sa.Column(
            "actor_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("actor_name", sa.String(120), nullable=False),
        sa.Column("action", sa.String(24), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "practice_attachments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("doc_key", sa.String(100), nullable=False, index=True),
        sa.Column("filename", sa.String(120), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_key", sa.String(300), nullable=False),
        sa.Column("uploaded_by", sa.String(120), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            f"size_bytes > 0 AND size_bytes <= {MAX_ATTACHMENT_BYTES}",
            name="ck_practice_attachments_size",
        ),
    )
    op.create_table(
        "practice_members",
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("role", sa.String(16), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE practice_search ("
            " doc_key varchar(100) PRIMARY KEY,"
            " kind varchar(16) NOT NULL,"
            " title text NOT NULL,"
            " body text NOT NULL,"
            " document tsvector GENERATED ALWAYS AS ("
            "  setweight(to_tsvector('simple', title), 'A') ||"
            "  setweight(to_tsvector('simple', body), 'D')) STORED)"
        )
        op.execute(
            "CREATE INDEX ix_practice_search_document ON practice_search USING GIN (document)"
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE practice_search USING fts5("
            "doc_key UNINDEXED, kind UNINDEXED, title, body, tokenize = 'unicode61')"
        )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS practice_search")
    for table in (
        "practice_members",
        "practice_attachments",
        "practice_audit",
        "practice_comments",
        "practice_tags",
        "practice_research_entries",
        "practice_case_studies",
    ):
        op.drop_table(table)
