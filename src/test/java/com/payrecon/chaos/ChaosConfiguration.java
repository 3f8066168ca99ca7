package com.payrecon.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.payrecon.support.db.EmbeddedMariaDb;

/**
 * The configuration files of the two JVMs of a chaos run, written under the run's folder. Keys are the published
 * test keys of {@code src/test/resources/vectors} (the same pairs as application-it.yaml): loopback only, nothing
 * real. The provider's merchants point their notifications at PayRecon's absolute loopback URLs; PayRecon's accounts
 * point at the provider's port.
 */
final class ChaosConfiguration {

	private final Path dir;
	private final ChaosParameters parameters;
	private final int payreconPort;
	private final int providerPort;
	private final String webhookUrl;
	private final String webhookSecret;

	ChaosConfiguration(Path dir, ChaosParameters parameters, int payreconPort, int providerPort, String webhookUrl,
			String webhookSecret) {
		this.dir = dir;
		this.parameters = parameters;
		this.payreconPort = payreconPort;
		this.providerPort = providerPort;
		this.webhookUrl = webhookUrl;
		this.webhookSecret = webhookSecret;
	}

	/** The provider: PayRecon with only the sandbox at work, an empty job catalogue and its own database. */
	Map<String, String> provider(EmbeddedMariaDb db) throws IOException {
		Path catalogue = Files.createDirectories(dir.resolve("provider-batch-jobs"));
		String notify = "http://127.0.0.1:" + payreconPort + "/notify/";
		Path file = write("provider.yaml", """
				# the provider side of the chaos run: faults of issue 6 on every merchant
				payrecon:
				  sandbox:
				    enabled: true
				    time-scale: %s
				    seed: %d
				    poll-interval: 100ms
				    notify-timeout: 5s
				    refund-delay: 1s
				    merchants:
				      - id: chaos-wx2
				        channel: wechatpay-v2
				        app-id: wx2421b1c4370ec43b
				        mch-id: "10000180"
				        api-key: 7d0c4e9b2a6f1835c0b9e8d7a6f5e4d3
				        sign-type: HMAC-SHA256
				        notify-url: %swechatpay-v2/chaos-wx2
				        faults: &chaos-faults
				          drop-share: 0.2
				          duplicate-share: 0.2
				          tamper-amount-share: 0.01
				          bad-signature-share: 0.01
				          query-error-share: 0.05
				          refund-lost-answer-share: 0.05
				          refund-abnormal-share: 0.02
				      - id: chaos-wx3
				        channel: wechatpay-v3
				        app-id: wxd678efh567hg6787
				        mch-id: "1900000001"
				        api-v3-key: 5d1c4b3a29180716f5e4d3c2b1a09f8e
				        merchant-public-key: classpath:vectors/wechatpay-java-merchant-certificate.pem
				        merchant-serial-no: 5F1C72E2A8931B72A2E13AF8DEE92471EB397115
				        platform-private-key: classpath:vectors/shared-wechat-platform-private.pem
				        platform-public-key-id: PUB_KEY_ID_0119000000012026112200000000A
				        notify-url: %swechatpay-v3/chaos-wx3
				        faults: *chaos-faults
				      - id: chaos-ali
				        channel: alipay
				        app-id: "2021000000000001"
				        seller-id: "2088000000000001"
				        app-public-key: classpath:vectors/g5-alipay-public-key.pem
				        alipay-private-key: classpath:vectors/shared-alipay-private.pem
				        notify-url: %salipay/chaos-ali
				        faults: *chaos-faults
				""".formatted(parameters.timeScale(), parameters.seed(), notify, notify, notify));
		Map<String, String> p = common(db, file);
		p.put("server.port", String.valueOf(providerPort));
		p.put("payrecon.batch-jobs.location", catalogue.toString());
		p.put("spring.quartz.scheduler-name", "provider");
		return p;
	}

	/**
	 * PayRecon under test: three accounts on the provider, the sweep every 5 s with a compressed backoff, and one
	 * webhook endpoint (issue 15): the run's receiver on loopback, retried after seconds instead of hours.
	 */
	Map<String, String> payrecon(EmbeddedMariaDb db) throws IOException {
		Path catalogue = Files.createDirectories(dir.resolve("batch-jobs"));
		Files.writeString(catalogue.resolve("stale-pending-sweep.yaml"), """
				# chaos run: the sweep every 5 s; stale after the sandbox's whole retry schedule
				name: stale-pending-sweep
				cron: "0/5 * * * * ?"
				zone: Asia/Shanghai
				enabled: true
				parameters:
				  staleAfter: %s
				  concurrency: 8
				  maxPerAccount: 100000
				""".formatted(parameters.staleAfter()));
		Files.writeString(catalogue.resolve("refund-sweep.yaml"), """
				# chaos run: the refund sweep every 5 s; refunds sent 15 s ago are asked about
				name: refund-sweep
				cron: "2/5 * * * * ?"
				zone: Asia/Shanghai
				enabled: true
				parameters:
				  staleAfter: PT15S
				  concurrency: 8
				  maxPerAccount: 100000
				""");
		String base = "http://127.0.0.1:" + providerPort + "/sandbox/";
		Path file = write("payrecon.yaml", """
				# PayRecon under test in the chaos run
				payrecon:
				  public-base-url: http://127.0.0.1:%d
				  api-clients:
				    - name: chaos-checkout
				      token: %s
				  provider:
				    rate-limit-per-second: 500
				  repair:
				    backoff: [5s, 10s, 20s]
				    after-backoff: 30s
				  refunds:
				    # longer than the provider read timeout (10 s): a refund is never sent again while its request is on its way
				    first-check-after: 15s
				    backoff: [5s, 10s, 20s]
				    after-backoff: 30s
				  webhooks:
				    - name: chaos-receiver
				      url: %s
				      secret: %s
				  webhook-delivery:
				    allowed-networks: [127.0.0.1/32]
				    require-https: false
				    retry-schedule: [1s, 2s, 3s, 5s, 5s, 5s, 5s, 5s, 5s]
				    poll-interval: 200ms
				    timeout: 3s
				    connect-timeout: 2s
				  accounts:
				    - id: chaos-wx2
				      channel: wechatpay-v2
				      app-id: wx2421b1c4370ec43b
				      mch-id: "10000180"
				      api-key: 7d0c4e9b2a6f1835c0b9e8d7a6f5e4d3
				      sign-type: HMAC-SHA256
				      base-url: %swechatpay
				    - id: chaos-wx3
				      channel: wechatpay-v3
				      app-id: wxd678efh567hg6787
				      mch-id: "1900000001"
				      api-v3-key: 5d1c4b3a29180716f5e4d3c2b1a09f8e
				      platform-public-key: classpath:vectors/shared-wechat-platform-public.pem
				      platform-public-key-id: PUB_KEY_ID_0119000000012026112200000000A
				      merchant-serial-no: 5F1C72E2A8931B72A2E13AF8DEE92471EB397115
				      merchant-private-key: classpath:vectors/wechatpay-java-merchant-private-key.pem
				      base-url: %swechatpay
				    - id: chaos-ali
				      channel: alipay
				      app-id: "2021000000000001"
				      seller-id: "2088000000000001"
				      alipay-public-key: classpath:vectors/shared-alipay-public.pem
				      app-private-key: classpath:vectors/alipay-node-app-private-key-pkcs8.pem
				      base-url: %salipay/gateway.do
				""".formatted(payreconPort, ChaosRun.API_TOKEN, webhookUrl, webhookSecret, base, base, base));
		Map<String, String> p = common(db, file);
		p.put("server.port", String.valueOf(payreconPort));
		p.put("payrecon.batch-jobs.location", catalogue.toString());
		return p;
	}

	private Map<String, String> common(EmbeddedMariaDb db, Path file) {
		Map<String, String> p = new LinkedHashMap<>();
		p.put("spring.config.additional-location", "file:" + file);
		p.put("spring.datasource.url", db.jdbcUrl());
		// the schema owner: this PayRecon migrates the empty database (the embedded server's restricted application
		// user is for the in-process configuration, which grants it its tables after migrating)
		p.put("spring.datasource.username", db.ownerUsername());
		p.put("spring.datasource.password", db.ownerPassword());
		// two cores shared with other builds: a login can take seconds (the 2 s default failed start-ups)
		p.put("spring.datasource.hikari.connection-timeout", "10000");
		// the sandbox forges 2 % of its notifications from this one address on purpose, and the checks want each
		// in the raw log: no abuse limit here (issue 11)
		p.put("payrecon.notify.abuse.per-address-per-minute", "1000000");
		p.put("payrecon.notify.abuse.per-account-per-minute", "1000000");
		p.put("payrecon.notify.abuse.unknown-accounts-per-minute", "1000000");
		p.put("logging.level.com.payrecon", "WARN"); // 20,000 orders of INFO lines would cost more than the run
		p.put("logging.level.com.payrecon.PayReconApplication", "INFO"); // "Started …": the process is up
		p.put("logging.level.com.payrecon.scheduling", "INFO");
		return p;
	}

	private Path write(String name, String text) throws IOException {
		Files.createDirectories(dir);
		return Files.writeString(dir.resolve(name), text);
	}
}
