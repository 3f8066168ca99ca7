-- Issue 14: the sandbox emulates refunds as the providers run them. A WeChat refund is PROCESSING when accepted and
-- becomes SUCCESS (or CHANGE: the bank refused the original card) at due_at; an Alipay refund succeeds at once.
-- request_count counts the refund requests received with this out_refund_no (the chaos run checks it stays 1);
-- source is API (through the refund API) or PLATFORM (made in the merchant platform: a refund PayRecon never asked
-- for). Deliveries name the refund they notify.
ALTER TABLE sandbox_refund MODIFY succeeded_at DATETIME(6) NULL;
ALTER TABLE sandbox_refund ADD COLUMN status VARCHAR(16) NOT NULL DEFAULT 'SUCCESS';
ALTER TABLE sandbox_refund ADD COLUMN outcome VARCHAR(16) NULL;
ALTER TABLE sandbox_refund ADD COLUMN due_at DATETIME(6) NULL;
ALTER TABLE sandbox_refund ADD COLUMN reason VARCHAR(256) NULL;
ALTER TABLE sandbox_refund ADD COLUMN notify_url VARCHAR(1024) NULL;
ALTER TABLE sandbox_refund ADD COLUMN source VARCHAR(16) NOT NULL DEFAULT 'API';
ALTER TABLE sandbox_refund ADD COLUMN request_count INT NOT NULL DEFAULT 1;
ALTER TABLE sandbox_refund ADD COLUMN finished_at DATETIME(6) NULL;
CREATE INDEX ix_sandbox_refund_due ON sandbox_refund (due_at);
ALTER TABLE sandbox_delivery ADD COLUMN sandbox_refund_id BIGINT NULL;
