-- Raw notifications older than the hot period (data-retention job) are moved here, a few thousand at a time, as one
-- gzip-compressed file of JSON lines (every column of every row, the body in base64) with a manifest: one line per
-- notification, "<id> <received_at> <body_sha256> <sha256 of its JSON line>", also gzip-compressed. content_sha256 is
-- the SHA-256 of the uncompressed JSON lines and manifest_sha256 that of the uncompressed manifest; both are checked on
-- every read and written out with an export. The rows are deleted only after their archive is committed (state
-- ARCHIVED), by the ids in its manifest, and the archive is then DONE: an interrupted delete is finished by the next
-- run, never archived twice. first_id/last_id are the smallest and largest id in it.
CREATE TABLE raw_notification_archive (
  id                  BIGINT       NOT NULL AUTO_INCREMENT,
  first_id            BIGINT       NOT NULL,
  last_id             BIGINT       NOT NULL,
  first_received_at   DATETIME(6)  NOT NULL,
  last_received_at    DATETIME(6)  NOT NULL,
  row_count           INT          NOT NULL,
  content             LONGBLOB     NOT NULL,
  content_sha256      CHAR(64)     NOT NULL,
  manifest            MEDIUMBLOB   NOT NULL,
  manifest_sha256     CHAR(64)     NOT NULL,
  state               VARCHAR(16)  NOT NULL,
  created_at          DATETIME(6)  NOT NULL,
  CONSTRAINT pk_raw_notification_archive PRIMARY KEY (id)
);

CREATE INDEX ix_raw_notification_archive_state ON raw_notification_archive (state, id);
CREATE INDEX ix_raw_notification_archive_received ON raw_notification_archive (last_received_at, id);
