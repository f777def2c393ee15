/// One schema change. Versions are applied in ascending order and recorded in
/// `schema_migrations`; a released migration is never edited, only followed by a new one.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    /// Statements run in one transaction (PostgreSQL DDL is transactional).
    public let statements: [String]
}

extension Migration {
    /// The schema, in order.
    public static let all: [Migration] = [
        Migration(version: 1, name: "documents and chunks with full-text search", statements: [
            """
            CREATE TABLE documents (
                id text PRIMARY KEY,
                title text NOT NULL,
                source text,
                content_length integer NOT NULL,
                chunk_count integer NOT NULL,
                indexed_by text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE chunks (
                id bigserial PRIMARY KEY,
                document_id text NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                ordinal integer NOT NULL,
                content text NOT NULL,
                tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED,
                UNIQUE (document_id, ordinal)
            )
            """,
            "CREATE INDEX chunks_tsv_idx ON chunks USING gin (tsv)",
        ]),
        Migration(version: 2, name: "analytics events", statements: [
            """
            CREATE TABLE query_events (
                id bigserial PRIMARY KEY,
                client_id text NOT NULL,
                top_k integer NOT NULL,
                result_count integer NOT NULL,
                cached boolean NOT NULL,
                generator text NOT NULL,
                latency_ms double precision NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX query_events_created_at_idx ON query_events (created_at)",
        ]),
    ]
}
