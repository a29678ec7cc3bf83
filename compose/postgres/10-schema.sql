-- The ebit schema of the lab: games (catalogue), players, wallets, bets, admins, and a per-player
-- activity history. Seeded large enough that an uncached catalogue page or player profile costs a
-- real query of tens of milliseconds (sequential scans on purpose: no index serves those reads).

CREATE TABLE games (
    id          integer PRIMARY KEY,
    name        text    NOT NULL,
    provider    text    NOT NULL,
    category    text    NOT NULL,
    rtp         numeric(5, 2) NOT NULL,
    min_bet     numeric(10, 2) NOT NULL,
    max_bet     numeric(10, 2) NOT NULL,
    popularity  integer NOT NULL,
    description text    NOT NULL
);

CREATE TABLE players (
    id         integer PRIMARY KEY,
    username   text    NOT NULL,
    country    text    NOT NULL,
    vip_level  integer NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE player_activity (
    player_id integer NOT NULL,
    game_id   integer NOT NULL,
    stake     numeric(10, 2) NOT NULL,
    payout    numeric(10, 2) NOT NULL,
    at        timestamptz NOT NULL
);

CREATE TABLE wallets (
    player_id  integer PRIMARY KEY REFERENCES players (id),
    balance    numeric(14, 2) NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE bets (
    id          bigserial PRIMARY KEY,
    player_id   integer NOT NULL,
    game_id     integer NOT NULL,
    stake       numeric(10, 2) NOT NULL,
    payout      numeric(10, 2),
    status      text NOT NULL DEFAULT 'placed',  -- placed | settled
    source      text NOT NULL,                   -- api | game
    placed_at   timestamptz NOT NULL DEFAULT now(),
    settled_at  timestamptz,
    credited_at timestamptz
);
CREATE INDEX bets_placed ON bets (id) WHERE status = 'placed';
-- settled but not credited yet: queued, in flight, or lost. Small, so the exporter can read it every second.
CREATE INDEX bets_uncredited ON bets (settled_at) WHERE status = 'settled' AND credited_at IS NULL;

CREATE TABLE admins (
    username      text PRIMARY KEY,
    password_hash text NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

INSERT INTO games
SELECT g,
       'Game ' || g,
       (ARRAY['Evo', 'Pragmatic', 'NetEnt', 'Play''n GO', 'Hacksaw'])[1 + g % 5],
       (ARRAY['slots', 'live', 'table', 'crash', 'jackpot', 'bingo', 'poker', 'sports'])[1 + g % 8],
       90 + (g % 900) / 100.0,
       0.10 + (g % 10) / 10.0,
       100 + (g % 50) * 10,
       (g * 7919) % 100000,
       repeat(md5(g::text), 4)
FROM generate_series(1, 60000) AS g;

INSERT INTO players
SELECT p, 'player' || p, (ARRAY['MT', 'SE', 'DE', 'BR', 'CA', 'NZ'])[1 + p % 6], p % 5,
       now() - (p % 1000) * interval '1 day'
FROM generate_series(1, 20000) AS p;

INSERT INTO wallets (player_id, balance) SELECT id, 1000 FROM players;

INSERT INTO player_activity
SELECT 1 + (a * 7) % 20000, 1 + a % 60000, 1 + a % 50, (a % 97), now() - (a % 100000) * interval '1 minute'
FROM generate_series(1, 200000) AS a;

ANALYZE;
