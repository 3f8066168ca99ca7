package com.payrecon.demo;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import com.payrecon.account.AccountRegistry;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.OrderService;
import com.payrecon.reconcile.Reconciliation;
import com.payrecon.refund.RefundService;
import com.payrecon.sandbox.SandboxLedger;
import com.payrecon.sandbox.SandboxMerchants;
import com.payrecon.sandbox.SandboxRefunds;
import com.payrecon.sandbox.SandboxTrades;
import com.payrecon.support.db.TransactionRetry;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The demo's yesterday: only with the sandbox and its payer simulation on (i.e. the demo), configured by
 * {@code payrecon.sandbox.demo-history.*}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = { "payrecon.sandbox.enabled", "payrecon.sandbox.payer.enabled" }, havingValue = "true")
class DemoConfiguration {

	@Bean
	DemoHistory sandboxDemoHistory(AccountRegistry accounts, SandboxMerchants merchants, SandboxLedger ledger,
			SandboxTrades trades, SandboxRefunds refunds, OrderService orderService, OrderRepository orders,
			Reconciliation reconciliation, RefundService refundService, TransactionRetry retry, Clock clock,
			Environment environment) {
		Binder binder = Binder.get(environment);
		List<String> ids = binder.bind("payrecon.sandbox.demo-history.accounts", Bindable.listOf(String.class))
			.orElse(List.of());
		Duration wait = binder.bind("payrecon.sandbox.demo-history.notification-wait", Duration.class)
			.orElse(Duration.ofMinutes(1));
		return new DemoHistory(ids, accounts, merchants, ledger, trades, refunds, orderService, orders, reconciliation,
				refundService, retry, clock, wait);
	}
}
