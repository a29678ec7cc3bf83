-- not released yet
CREATE INDEX bets_settled_at ON bets (settled_at);
