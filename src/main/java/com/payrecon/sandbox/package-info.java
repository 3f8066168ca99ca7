/**
 * The built-in provider sandbox: WeChat Pay v2/v3 and Alipay emulated on their real wire formats under
 * {@code /sandbox/**}, with a provider-side ledger ({@code sandbox_*} tables), signed notifications on the real
 * retry schedules, fault injection, bills, a control API and the demo payer simulation. Active only with
 * {@code payrecon.sandbox.enabled=true}. It signs with its own {@link com.payrecon.sandbox.SandboxCrypto}, never with
 * {@code com.payrecon.crypto}, and talks to PayRecon only over HTTP (notifications, the order API).
 */
package com.payrecon.sandbox;
