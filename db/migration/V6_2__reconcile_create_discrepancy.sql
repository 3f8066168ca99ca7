-- One mismatch found by a reconciliation run. source_key ('line:<n>' for a bill line, 'order:<id>' for a local
-- order) makes a re-written chunk an upsert. The resolution (OPEN, ASSIGNED, RESOLVED, ACCEPTED, VOID) moves by
-- compare-and-set; an identical discrepancy of the superseded run hands its resolution on (carried_from).
CREATE TABLE discrepancy (
  id                    BIGINT        NOT NULL AUTO_INCREMENT,
  run_id                BIGINT        NOT NULL,
  account_id            VARCHAR(64)   NOT NULL,
  business_date         DATE          NOT NULL,
  type                  VARCHAR(24)   NOT NULL,
  source_key            VARCHAR(64)   NOT NULL,
  out_trade_no          VARCHAR(64)   NULL,
  provider_txn_id       VARCHAR(64)   NULL,
  order_id              BIGINT        NULL,
  bill_line             BIGINT        NULL,
  local_amount_minor    BIGINT        NULL,
  provider_amount_minor BIGINT        NULL,
  local_status          VARCHAR(16)   NULL,
  provider_status       VARCHAR(32)   NULL,
  expected_on           DATE          NULL,
  detail                VARCHAR(1024) NOT NULL,
  auto_repaired         BOOLEAN       NOT NULL DEFAULT FALSE,
  resolution            VARCHAR(16)   NOT NULL,
  resolution_note       VARCHAR(1024) NULL,
  assigned_to           VARCHAR(128)  NULL,
  resolved_by           VARCHAR(128)  NULL,
  resolved_at           DATETIME(6)   NULL,
  carried_from          BIGINT        NULL,
  created_at            DATETIME(6)   NOT NULL,
  updated_at            DATETIME(6)   NOT NULL,
  version               INT           NOT NULL DEFAULT 0,
  CONSTRAINT pk_discrepancy PRIMARY KEY (id),
  CONSTRAINT uk_discrepancy_run_source UNIQUE (run_id, source_key),
  CONSTRAINT fk_discrepancy_run FOREIGN KEY (run_id) REFERENCES reconciliation_run (id)
);

CREATE INDEX ix_discrepancy_account_date ON discrepancy (account_id, business_date, type);
CREATE INDEX ix_discrepancy_order ON discrepancy (order_id);
CREATE INDEX ix_discrepancy_expected ON discrepancy (account_id, expected_on, type);
-- [jooq ignore start]
ALTER TABLE discrepancy CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
-- [jooq ignore stop]
