ALTER TABLE admins ADD COLUMN mfa_secret TEXT;
