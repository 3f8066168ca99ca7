-- credentials (issue 13, follow-up): a learnt provider certificate is what PayRecon believes a provider's signature
-- with, so a row written into this table by anyone but PayRecon itself must not be believed. PayRecon seals each row it
-- stores after verifying the download (AES-256-GCM with payrecon.secrets.master-key over an empty plaintext, the
-- account, kind, serial, validity and the PEM itself as associated data: nonce || tag, 28 bytes) and, when a master
-- key is configured, ignores rows whose seal is missing or does not verify (account/ProviderCertificates#reload).
-- Rows stored before this migration have no seal: they are ignored until the next download seals them again.
ALTER TABLE provider_certificate ADD COLUMN seal VARBINARY(64) NULL;
