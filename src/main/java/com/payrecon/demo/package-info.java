/**
 * Demo data seeded inside PayRecon: {@link com.payrecon.demo.DemoHistory} plants and reconciles the demo's
 * yesterday. It stands above both the sandbox (the provider side: merchants, ledger, trades) and PayRecon's own
 * services (orders through {@code OrderService}, a real reconciliation run), so that the sandbox itself keeps its
 * promise to talk to PayRecon only over HTTP ({@code SandboxBoundaryTests}). Active only in the demo (sandbox and
 * payer simulation on).
 */
package com.payrecon.demo;
