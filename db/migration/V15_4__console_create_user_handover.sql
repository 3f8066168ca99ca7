-- Separation of duties (issue 11): every time one console user hands power or access to another (creates the user,
-- adds a role, enables them, resets their password or second factor), a row. For payrecon.console.handover-tie
-- (7 days by default) the two are tied, and so are two users handed power by the same person in that time: tied
-- users never approve each other's proposals (SeparationOfDuties). by_login 'system' (first admin, demo users) ties
-- nobody.
CREATE TABLE user_handover (
  id         BIGINT       NOT NULL AUTO_INCREMENT,
  login      VARCHAR(64)  NOT NULL,
  by_login   VARCHAR(128) NOT NULL,
  kind       VARCHAR(32)  NOT NULL,
  detail     VARCHAR(256) NULL,
  at         DATETIME(6)  NOT NULL,
  CONSTRAINT pk_user_handover PRIMARY KEY (id)
);

CREATE INDEX ix_user_handover_login ON user_handover (login, at);
CREATE INDEX ix_user_handover_by ON user_handover (by_login, at);
-- [jooq ignore start]
ALTER TABLE user_handover CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
-- [jooq ignore stop]
