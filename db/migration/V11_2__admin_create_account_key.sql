-- Account keys replaced in the console (Admin -> Accounts). They override the configured key of the same name
-- (api-key, api-v3-key, merchant-private-key, platform-public-key, app-private-key, alipay-public-key) without a
-- restart. The key is stored encrypted only: ciphertext = 12-byte nonce || AES-256-GCM(key) with the master key
-- payrecon.secrets.master-key and "account_id/key_name" as associated data, so a row copied to another slot fails.
CREATE TABLE account_key (
  id          BIGINT        NOT NULL AUTO_INCREMENT,
  account_id  VARCHAR(64)   NOT NULL,
  key_name    VARCHAR(32)   NOT NULL,
  ciphertext  VARBINARY(8192) NOT NULL,
  replaced_by VARCHAR(128)  NOT NULL,
  replaced_at DATETIME(6)   NOT NULL,
  version     INT           NOT NULL DEFAULT 0,
  CONSTRAINT pk_account_key PRIMARY KEY (id),
  CONSTRAINT uk_account_key_account_name UNIQUE (account_id, key_name)
);
