CREATE TABLE wallets (
  id         bigserial PRIMARY KEY,
  owner      text NOT NULL,
  address    text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
