-- Which local refund each refund line of a run matched (issue 14), written per chunk with the order matches: the
-- day's SUCCESS refunds without a row here (nor in the neighbouring days' current runs) are REFUND_NOT_AT_PROVIDER,
-- found with one anti-join. Keyed (run, line) like reconciliation_match: a re-written chunk is an upsert.
CREATE TABLE reconciliation_refund_match (
  id        BIGINT NOT NULL AUTO_INCREMENT,
  run_id    BIGINT NOT NULL,
  bill_line BIGINT NOT NULL,
  refund_id BIGINT NOT NULL,
  CONSTRAINT pk_reconciliation_refund_match PRIMARY KEY (id),
  CONSTRAINT uk_reconciliation_refund_match_line UNIQUE (run_id, bill_line),
  CONSTRAINT fk_reconciliation_refund_match_run FOREIGN KEY (run_id) REFERENCES reconciliation_run (id)
);

CREATE INDEX ix_reconciliation_refund_match_refund ON reconciliation_refund_match (refund_id, run_id);
