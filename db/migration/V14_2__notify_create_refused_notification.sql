-- issue 11: what is kept of notify requests refused beyond the abuse limits (unknown account ids and requests that
-- fail verification, per source address and per account): one row per address, channel and minute, counting them,
-- with the first bytes of the first and the hashes of the first and the last. Bounded however many arrive.
CREATE TABLE refused_notification (
    id                 BIGINT       NOT NULL AUTO_INCREMENT,
    version            INT          NOT NULL DEFAULT 0,
    window_start       DATETIME(6)  NOT NULL,
    remote_addr        VARCHAR(64)  NOT NULL,
    channel            VARCHAR(16)  NOT NULL,
    refused_count      INT          NOT NULL,
    bytes_total        BIGINT       NOT NULL,
    first_account_id   VARCHAR(64)  NOT NULL,
    first_verdict      VARCHAR(32)  NOT NULL,
    first_body_prefix  VARBINARY(256) NOT NULL,
    first_body_sha256  CHAR(64)     NOT NULL,
    last_body_sha256   CHAR(64)     NOT NULL,
    last_received_at   DATETIME(6)  NOT NULL,
    CONSTRAINT pk_refused_notification PRIMARY KEY (id),
    CONSTRAINT uk_refused_notification UNIQUE (window_start, remote_addr, channel)
);
