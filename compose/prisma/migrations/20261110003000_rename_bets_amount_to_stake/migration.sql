-- shipped with API 1.2.0 (PlaceBetDto.amount -> stake)
ALTER TABLE bets RENAME COLUMN amount TO stake;
