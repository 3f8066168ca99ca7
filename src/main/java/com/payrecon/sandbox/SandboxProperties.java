package com.payrecon.sandbox;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.payrecon.account.Channel;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code payrecon.sandbox}: the built-in provider emulation (see docs/sandbox.md).
 *
 * @param enabled serve {@code /sandbox/**} and deliver notifications; never in production
 * @param timeScale notification retry intervals are divided by this (60 = one scheduled minute per second)
 * @param seed seeds each merchant's fault {@link java.util.Random} (a merchant's {@code faults.seed} wins)
 * @param pollInterval how often due deliveries are picked up
 * @param notifyTimeout a delivery attempt that gets no answer within this is a failure (the providers use 5 s)
 * @param wechatV2Schedule {@code LEGACY} (15/15/30/180/1800/1800/1800/1800/3600 s) or {@code CURRENT} (the v3 schedule)
 * @param micropayDelay auth codes ending in 1 are paid this long after the micropay call
 * @param feeRate the merchant fee rate shown in bills (0.006 = 0.60 %)
 * @param keyDir where demo keys are generated (see {@link SandboxKeysEnvironmentPostProcessor})
 * @param merchants the provider-side merchant accounts the sandbox knows
 * @param payer the demo payer simulation
 * @param maxBodyBytes larger request bodies to {@code /sandbox/**} are answered 413
 */
@ConfigurationProperties("payrecon.sandbox")
public record SandboxProperties(@DefaultValue("false") boolean enabled, @DefaultValue("1") double timeScale,
		@DefaultValue("20261123") long seed, @DefaultValue("500ms") Duration pollInterval,
		@DefaultValue("5s") Duration notifyTimeout, @DefaultValue("LEGACY") WechatV2Schedule wechatV2Schedule,
		@DefaultValue("10s") Duration micropayDelay, @DefaultValue("5s") Duration refundDelay,
		@DefaultValue("0.006") BigDecimal feeRate,
		@DefaultValue("data/sandbox-keys") Path keyDir, @DefaultValue List<MerchantProperties> merchants,
		@DefaultValue Payer payer, @DefaultValue("65536") long maxBodyBytes, @DefaultValue Tls tls) {

	/**
	 * The sandbox's TLS listener (mutual TLS as WeChat Pay's {@code secapi} endpoints require it): an extra HTTPS
	 * connector of this server on {@code port}, serving the same {@code /sandbox/**}. It asks every client for a
	 * certificate but lets the endpoint decide (a merchant with {@code require-client-certificate} refuses a missing
	 * one, or one not issued by {@code client-ca}, with the HTTP 400 pages the real gateway's nginx sends).
	 *
	 * @param port the listener's port; unset = no TLS listener
	 * @param keyStore the server's certificate and key (PKCS#12; {@code file:} or {@code classpath:})
	 * @param keyStorePassword its password
	 * @param clientCa the CA (PEM) that issues merchant client certificates: the sandbox's "WeChat Pay CA"
	 */
	public record Tls(Integer port, String keyStore, String keyStorePassword, String clientCa) {

		@Override
		public String toString() {
			return "Tls[port=" + port + ", keyStore=" + keyStore + ", keyStorePassword=****]";
		}
	}

	/** A certificate (PEM) with its private key (PEM); inline, {@code file:} or {@code classpath:}. */
	public record CertifiedKey(String certificate, String privateKey) {

		@Override
		public String toString() {
			return "CertifiedKey[privateKey=****]";
		}
	}

	public enum WechatV2Schedule {
		LEGACY, CURRENT
	}

	/**
	 * One provider-side merchant. {@code id} is the sandbox's name for it, by convention the id of the PayRecon
	 * account that points at it (the default notify URL is {@code /notify/{channel}/{id}} on this server). Keys are
	 * inline or {@code file:} / {@code classpath:} resources.
	 *
	 * @param merchantPublicKey v3: verifies the merchant's {@code Authorization} signature (key or certificate)
	 * @param merchantSerialNo v3: when set, {@code serial_no} of the Authorization header must equal it
	 * @param platformPrivateKey v3: signs responses and notifications
	 * @param platformPublicKeyId v3: sent as {@code Wechatpay-Serial}
	 * @param appPublicKey Alipay: verifies request signatures
	 * @param alipayPrivateKey Alipay: signs responses and notifications
	 * @param notifyUrl used when an order carries no notify URL of its own
	 * @param requireClientCertificate v2: {@code secapi/*} calls must come over the TLS listener with a client
	 * certificate issued by {@code tls.client-ca} whose CN is the mch_id
	 * @param platformCertificates v3 certificate mode: the platform certificates with their keys, oldest first; at
	 * first only the first one is listed by {@code GET /v3/certificates} and signs; the control API publishes the
	 * others and switches (a rotation)
	 * @param appCertificate Alipay certificate mode: the app's certificate (its key verifies requests; its SN must
	 * be the request's {@code app_cert_sn})
	 * @param alipayCertificates Alipay certificate mode: Alipay's certificates with their keys, oldest first; the first
	 * one signs (its SN is the response's {@code alipay_cert_sn}) until the control API switches (a rotation)
	 * @param alipayRootCertificate Alipay certificate mode: the root certificate file (its SN must be the request's
	 * {@code alipay_root_cert_sn})
	 */
	public record MerchantProperties(String id, Channel channel, String appId, String mchId, String sellerId,
			String apiKey, @DefaultValue("MD5") String signType, String apiV3Key, String merchantPublicKey,
			String merchantSerialNo, String platformPrivateKey, String platformPublicKeyId, String appPublicKey,
			String alipayPrivateKey, String notifyUrl, @DefaultValue Faults faults, boolean requireClientCertificate,
			@DefaultValue List<CertifiedKey> platformCertificates, String appCertificate,
			@DefaultValue List<CertifiedKey> alipayCertificates, String alipayRootCertificate) {

		@Override
		public String toString() {
			return "MerchantProperties[id=" + id + ", channel=" + channel + ", keys=****]";
		}
	}

	/**
	 * Faults for one merchant. Shares are probabilities (0..1) drawn from a seeded {@link java.util.Random}, in a fixed
	 * order per notification (drop, duplicate, delay, tamper, bad signature, unknown order) and per API call (error,
	 * HTTP error), so a run with the same seed and the same calls makes the same decisions.
	 *
	 * @param dropShare notifications never sent (the missed callback; recorded as DROPPED)
	 * @param duplicateShare a second delivery with the same notification id, 0–2 s after the first
	 * @param delayShare notifications held back by {@code delay}
	 * @param reorderWindow every notification is held back by a random 0..window (so they arrive out of order)
	 * @param tamperAmountShare the amount is changed after signing (forged: the original signature no longer fits)
	 * @param badSignatureShare the signature is broken on every attempt
	 * @param badSignatureFirstAttempts the signature is broken on the first N attempts of every notification
	 * @param unknownOrderShare an extra, correctly signed notification for an order the merchant never placed
	 * @param queryErrorShare API calls answered with the provider's system error (SYSTEMERROR, 500
	 * SYSTEM_ERROR, 20000)
	 * @param queryHttpErrorShare API calls answered with a bare HTTP 502
	 * @param queryLatency added to every API call
	 * @param refundAbnormalShare WeChat refunds that end CHANGE / ABNORMAL (the payer's card refused the money back)
	 * instead of SUCCESS
	 * @param refundLostAnswerShare refund requests that are carried out, but answered with a bare HTTP 502 (the
	 * merchant must query, never ask again with another number)
	 * @param outages {@code from/to} ISO-8601 instants: API calls answer HTTP 503 and deliveries wait
	 * @param seed overrides {@code payrecon.sandbox.seed} for this merchant
	 */
	public record Faults(double dropShare, double duplicateShare, double delayShare, Duration delay,
			Duration reorderWindow, double tamperAmountShare, double badSignatureShare, int badSignatureFirstAttempts,
			double unknownOrderShare, double queryErrorShare, double queryHttpErrorShare, Duration queryLatency,
			double refundAbnormalShare, double refundLostAnswerShare, @DefaultValue List<Outage> outages, Long seed) {

		public static final Faults NONE = new Faults(0, 0, 0, null, null, 0, 0, 0, 0, 0, 0, null, 0, 0, List.of(), null);
	}

	public record Outage(String from, String to) {
	}

	/**
	 * The demo payer simulation: creates orders through PayRecon's REST API, registers them in the sandbox ledger
	 * as if placed, pays most of them after a random delay.
	 *
	 * @param interval one new order per interval (±50 % jitter)
	 * @param payShare share of orders the payer pays
	 * @param apiToken bearer token of a {@code payrecon.api-clients} entry
	 * @param merchants sandbox merchant ids to use (all when empty)
	 * @param refundShare share of paid orders the merchant then refunds through PayRecon's refund API (half of them
	 * in part), {@code refund-delay-min}..{@code refund-delay-max} after the payment
	 * @param platformRefundShare share of paid orders refunded in the merchant platform instead (refunds PayRecon did
	 * not ask for, learnt from their notification, the sweep or the bill)
	 */
	public record Payer(@DefaultValue("false") boolean enabled, @DefaultValue("1s") Duration interval,
			@DefaultValue("0.85") double payShare, @DefaultValue("1s") Duration minPayDelay,
			@DefaultValue("20s") Duration maxPayDelay, String apiToken, @DefaultValue List<String> merchants,
			@DefaultValue("100") long minAmount, @DefaultValue("50000") long maxAmount,
			@DefaultValue("0.1") double refundShare, @DefaultValue("0.02") double platformRefundShare,
			@DefaultValue("5s") Duration refundDelayMin, @DefaultValue("30s") Duration refundDelayMax) {

		@Override
		public String toString() {
			return "Payer[enabled=" + enabled + ", interval=" + interval + ", apiToken=****]";
		}
	}
}
