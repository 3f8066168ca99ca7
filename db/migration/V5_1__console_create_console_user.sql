-- People who use the console. Passwords are Spring Security PasswordEncoder hashes ({bcrypt}...), never plain text.
-- roles: comma-separated FINANCE, SUPPORT, ADMIN. Logins are stored lower-case.
CREATE TABLE console_user (
  id                   BIGINT       NOT NULL AUTO_INCREMENT,
  login                VARCHAR(64)  NOT NULL,
  password_hash        VARCHAR(255) NOT NULL,
  roles                VARCHAR(64)  NOT NULL,
  enabled              BOOLEAN      NOT NULL DEFAULT TRUE,
  must_change_password BOOLEAN      NOT NULL DEFAULT TRUE,
  failed_attempts      INT          NOT NULL DEFAULT 0,
  locked_until         DATETIME(6)  NULL,
  last_login_at        DATETIME(6)  NULL,
  created_at           DATETIME(6)  NOT NULL,
  updated_at           DATETIME(6)  NOT NULL,
  version              INT          NOT NULL DEFAULT 0,
  CONSTRAINT pk_console_user PRIMARY KEY (id),
  CONSTRAINT uk_console_user_login UNIQUE (login)
);
-- [jooq ignore start]
ALTER TABLE console_user CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
-- [jooq ignore stop]
