-- Which local order each bill line of a run matched, written per chunk: the day's paid orders without a row here
-- are found with one anti-join, so no run holds a whole day in memory. Keyed (run, line): a re-written chunk is an
-- upsert.
CREATE TABLE reconciliation_match (
  id        BIGINT NOT NULL AUTO_INCREMENT,
  run_id    BIGINT NOT NULL,
  bill_line BIGINT NOT NULL,
  order_id  BIGINT NOT NULL,
  version   INT    NOT NULL DEFAULT 0,
  CONSTRAINT pk_reconciliation_match PRIMARY KEY (id),
  CONSTRAINT uk_reconciliation_match_line UNIQUE (run_id, bill_line),
  CONSTRAINT fk_reconciliation_match_run FOREIGN KEY (run_id) REFERENCES reconciliation_run (id)
);

CREATE INDEX ix_reconciliation_match_order ON reconciliation_match (order_id, run_id);
