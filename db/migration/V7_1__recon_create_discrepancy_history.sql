-- What happened to a discrepancy (a case), oldest first: the moves of its resolution (ASSIGNED, RESOLVED, ACCEPTED,
-- VOID) and the maker-checker steps on it (PROPOSED, APPROVED, REJECTED, FAILED). Written in the transaction of the
-- change it records, by the console's reconciliation service.
CREATE TABLE discrepancy_history (
  id              BIGINT        NOT NULL AUTO_INCREMENT,
  discrepancy_id  BIGINT        NOT NULL,
  action          VARCHAR(16)   NOT NULL,
  from_resolution VARCHAR(16)   NULL,
  to_resolution   VARCHAR(16)   NULL,
  actor           VARCHAR(128)  NOT NULL,
  detail          VARCHAR(1024) NULL,
  occurred_at     DATETIME(6)   NOT NULL,
  version         INT           NOT NULL DEFAULT 0,
  CONSTRAINT pk_discrepancy_history PRIMARY KEY (id),
  CONSTRAINT fk_discrepancy_history_discrepancy FOREIGN KEY (discrepancy_id) REFERENCES discrepancy (id)
);

CREATE INDEX ix_discrepancy_history_discrepancy ON discrepancy_history (discrepancy_id, id);
-- [jooq ignore start]
ALTER TABLE discrepancy_history CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
-- [jooq ignore stop]
