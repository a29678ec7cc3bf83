CREATE TABLE admins (username TEXT PRIMARY KEY, password_hash TEXT NOT NULL);
