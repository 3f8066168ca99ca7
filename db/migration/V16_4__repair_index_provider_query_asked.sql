-- The data-retention job deletes old questions by age, in small chunks: it needs them in asked_at order.
CREATE INDEX ix_provider_query_asked ON provider_query (asked_at, id);
