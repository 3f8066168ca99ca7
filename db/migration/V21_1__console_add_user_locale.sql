-- The console language a user chose in the header (issue 16): a BCP 47 tag such as zh-CN or en; NULL = never chosen,
-- the browser's Accept-Language decides.
ALTER TABLE console_user ADD COLUMN locale VARCHAR(16) NULL;
