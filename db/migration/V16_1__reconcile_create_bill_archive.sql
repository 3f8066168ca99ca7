-- A provider's bill as it was downloaded (or imported by an operator), kept in the database so that every node of a
-- cluster reads the same bytes: the match step, a restart or resume on another node, and maker-checker's look at a
-- bill line. The bytes are stored in pieces of up to 1 MiB, each gzip-compressed (bill_archive_chunk); sha256 and
-- bytes are those of the whole uncompressed bill and are checked again on every read. state: STORING while the pieces
-- are written, STORED once complete (a STORING row left by a crash is never read and is removed by retention).
CREATE TABLE bill_archive (
  id             BIGINT       NOT NULL AUTO_INCREMENT,
  account_id     VARCHAR(64)  NOT NULL,
  business_date  DATE         NOT NULL,
  format         VARCHAR(32)  NOT NULL,
  source         VARCHAR(16)  NOT NULL,
  state          VARCHAR(16)  NOT NULL,
  sha256         CHAR(64)     NULL,
  bytes          BIGINT       NOT NULL DEFAULT 0,
  stored_bytes   BIGINT       NOT NULL DEFAULT 0,
  chunk_count    INT          NOT NULL DEFAULT 0,
  created_by     VARCHAR(128) NOT NULL,
  created_at     DATETIME(6)  NOT NULL,
  version        INT          NOT NULL DEFAULT 0,
  CONSTRAINT pk_bill_archive PRIMARY KEY (id)
);

CREATE INDEX ix_bill_archive_day ON bill_archive (account_id, business_date, id);
CREATE INDEX ix_bill_archive_created ON bill_archive (created_at, id);

CREATE TABLE bill_archive_chunk (
  archive_id     BIGINT       NOT NULL,
  seq            INT          NOT NULL,
  content        MEDIUMBLOB   NOT NULL,
  CONSTRAINT pk_bill_archive_chunk PRIMARY KEY (archive_id, seq),
  CONSTRAINT fk_bill_archive_chunk_archive FOREIGN KEY (archive_id) REFERENCES bill_archive (id)
);

-- the run's bill in the archive above (archive_path: a file of a run made before it, read while it exists)
ALTER TABLE reconciliation_run ADD COLUMN bill_archive_id BIGINT NULL;
-- [jooq ignore start]
ALTER TABLE bill_archive CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
-- [jooq ignore stop]
