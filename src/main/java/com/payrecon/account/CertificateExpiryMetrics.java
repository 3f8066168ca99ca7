package com.payrecon.account;

import java.time.Clock;
import java.util.List;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.stereotype.Component;

/**
 * {@code payrecon_certificate_expiry_seconds{account, use, serial}}: when each certificate an account uses ends its
 * use (Unix seconds): the v2 client certificate, v3 platform certificates, Alipay's, the app's and the root
 * certificates. Alert when one is less than 30 days away (README, "What to alert on"). Updated whenever the
 * learnt certificates change (on this node or, through the sync, on another).
 */
@Component
class CertificateExpiryMetrics implements MeterBinder {

	static final String METRIC = "payrecon.certificate.expiry";

	private final AccountRegistry accounts;
	private final ProviderCertificates certificates;
	private final Clock clock;

	CertificateExpiryMetrics(AccountRegistry accounts, ProviderCertificates certificates, Clock clock) {
		this.accounts = accounts;
		this.certificates = certificates;
		this.clock = clock;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		MultiGauge gauge = MultiGauge.builder(METRIC)
			.baseUnit("seconds")
			.description("When the certificate ends its use (Unix time)")
			.register(registry);
		gauge.register(rows(), true);
		certificates.onChange(() -> gauge.register(rows(), true));
	}

	private List<MultiGauge.Row<?>> rows() {
		return accounts.all()
			.stream()
			.flatMap(a -> AccountKeysInForce.of(a, certificates.all(a), Set.of(), clock.instant()).stream())
			.filter(AccountKeysInForce.Listed::expires)
			.<MultiGauge.Row<?>>map(l -> MultiGauge.Row.of(Tags.of("account", l.accountId(), "use",
					AccountKeysInForce.tag(l.use()), "serial", l.id()), l.notAfter().getEpochSecond()))
			.toList();
	}
}
