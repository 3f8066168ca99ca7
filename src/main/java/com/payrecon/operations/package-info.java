/**
 * Operability: the gauges read from the database (open discrepancies, stale pending orders), the Quartz health
 * indicator, and the security of the operations endpoints (the Prometheus scrape with its bearer token, the load
 * balancer's unauthenticated liveness and readiness probes). Counters and timers live where things happen
 * (notify, order, repair, provider); their names and what to alert on are in the README (Operations).
 */
package com.payrecon.operations;
