-- TOTP second factor of console users (RFC 6238: SHA-1, 6 digits, 30 s steps). secret = 12-byte nonce ||
-- AES-256-GCM(base32 secret) with payrecon.secrets.master-key and "second-factor/<login>" as associated data.
-- confirmed_at is NULL until the user proved the enrolment with a first code. last_step is the time step of the last
-- accepted code: a code of that step or an earlier one is refused (replay), by a compare-and-set on this column.
CREATE TABLE second_factor (
  id           BIGINT         NOT NULL AUTO_INCREMENT,
  login        VARCHAR(64)    NOT NULL,
  secret       VARBINARY(256) NOT NULL,
  created_at   DATETIME(6)    NOT NULL,
  confirmed_at DATETIME(6)    NULL,
  last_step    BIGINT         NULL,
  last_used_at DATETIME(6)    NULL,
  version      INT            NOT NULL DEFAULT 0,
  CONSTRAINT pk_second_factor PRIMARY KEY (id),
  CONSTRAINT uk_second_factor_login UNIQUE (login)
);

-- One-time recovery codes (ten per enrolment), stored as hex SHA-256 of the normalised code (80 random bits each,
-- so a plain hash is enough); used_at is set by a compare-and-set when one is used.
CREATE TABLE recovery_code (
  id         BIGINT      NOT NULL AUTO_INCREMENT,
  login      VARCHAR(64) NOT NULL,
  code_hash  CHAR(64)    NOT NULL,
  created_at DATETIME(6) NOT NULL,
  used_at    DATETIME(6) NULL,
  CONSTRAINT pk_recovery_code PRIMARY KEY (id),
  CONSTRAINT uk_recovery_code_hash UNIQUE (login, code_hash)
);
-- [jooq ignore start]
ALTER TABLE second_factor CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
ALTER TABLE recovery_code CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
-- [jooq ignore stop]
