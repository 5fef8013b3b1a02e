-- Webhook deliveries already received (docs/webhooks.md): a delivery whose `webhook-id`
-- is here is acknowledged and not processed again. Kept for a day, far longer than the
-- five minutes in which a signed delivery can be replayed at all.
CREATE TABLE webhook_deliveries (
    id          TEXT PRIMARY KEY,
    received_at TEXT NOT NULL
);

CREATE INDEX webhook_deliveries_by_time ON webhook_deliveries (received_at);
