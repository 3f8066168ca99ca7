-- credentials (issue 13): provider certificates learnt at run time, shared by every node through the database.
-- WeChat Pay v3 platform certificates downloaded from GET /v3/certificates (kind WECHATPAY_PLATFORM, serial = the
-- upper-case hex serial that Wechatpay-Serial names) and Alipay public certificates fetched with
-- alipay.open.app.alipaycert.download (kind ALIPAY, serial = the SN that alipay_cert_sn names). Certificates are
-- public: stored as PEM, not encrypted. Each node re-reads the table when its fingerprint (row count, sum of
-- versions) changes (account/ProviderCertificates, payrecon.keys.sync-interval).
CREATE TABLE provider_certificate (
    id               BIGINT       NOT NULL AUTO_INCREMENT,
    account_id       VARCHAR(64)  NOT NULL,
    kind             VARCHAR(24)  NOT NULL,
    serial           VARCHAR(64)  NOT NULL,
    certificate_pem  TEXT         NOT NULL,
    not_before       DATETIME(6)  NOT NULL,
    -- the end of use: the certificate's notAfter, or WeChat's earlier expire_time
    not_after        DATETIME(6)  NOT NULL,
    source           VARCHAR(16)  NOT NULL,
    added_at         DATETIME(6)  NOT NULL,
    last_seen_at     DATETIME(6)  NOT NULL,
    version          INT          NOT NULL DEFAULT 0,
    CONSTRAINT pk_provider_certificate PRIMARY KEY (id),
    CONSTRAINT uk_provider_certificate UNIQUE (account_id, kind, serial)
);
