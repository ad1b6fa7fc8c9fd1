CREATE TABLE transactions (
  id         bigserial PRIMARY KEY,
  wallet_id  bigint NOT NULL REFERENCES wallets(id),
  amount     numeric(38, 18) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX transactions_wallet_id ON transactions (wallet_id);
