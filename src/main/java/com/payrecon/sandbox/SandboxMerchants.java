package com.payrecon.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import com.payrecon.account.Channel;
import com.payrecon.sandbox.SandboxProperties.Faults;
import com.payrecon.sandbox.SandboxProperties.MerchantProperties;
import com.payrecon.sandbox.SandboxProperties.Outage;

import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.ResourceLoader;

/**
 * The sandbox's merchants and their current faults (configured, replaceable at runtime through the control API).
 * Each merchant has its own seeded {@link Random}; decisions are drawn under the merchant's lock, always the same
 * number of draws per event, so that a seed gives a repeatable run.
 */
public class SandboxMerchants {

	private static final ResourceLoader RESOURCES = new DefaultResourceLoader();

	private final Map<String, SandboxMerchant> byId = new LinkedHashMap<>();
	private final Map<String, Faults> configuredFaults = new LinkedHashMap<>();
	private final Map<String, FaultState> faults = new ConcurrentHashMap<>();
	private final long defaultSeed;

	public SandboxMerchants(SandboxProperties properties) {
		this.defaultSeed = properties.seed();
		int index = 0;
		for (MerchantProperties p : properties.merchants()) {
			String prefix = "payrecon.sandbox.merchants[" + index++ + "]";
			SandboxMerchant merchant = build(p, prefix);
			if (byId.putIfAbsent(merchant.id(), merchant) != null) {
				throw new IllegalStateException(prefix + ".id: '" + merchant.id() + "' is used twice");
			}
			Faults configured = p.faults() == null ? Faults.NONE : p.faults();
			configuredFaults.put(merchant.id(), configured);
			faults.put(merchant.id(), new FaultState(configured, seedFor(merchant.id(), configured)));
		}
	}

	public Collection<SandboxMerchant> all() {
		return byId.values();
	}

	public Optional<SandboxMerchant> find(String id) {
		return Optional.ofNullable(id).map(byId::get);
	}

	/** v2 requests name the merchant by {@code mch_id}, v3 by {@code mchid}. */
	public Optional<SandboxMerchant> byMchId(Channel channel, String mchId) {
		return byId.values().stream().filter(m -> m.channel() == channel && m.mchId() != null && m.mchId().equals(mchId)).findFirst();
	}

	public Optional<SandboxMerchant> byAlipayAppId(String appId) {
		return byId.values()
			.stream()
			.filter(m -> m.channel() == Channel.ALIPAY && m.appId() != null && m.appId().equals(appId))
			.findFirst();
	}

	public Faults faults(String merchantId) {
		return faults.get(merchantId).settings();
	}

	/** Replaces the merchant's faults and reseeds its Random. */
	public void setFaults(String merchantId, Faults settings) {
		faults.put(merchantId, new FaultState(settings, seedFor(merchantId, settings)));
	}

	/** Back to the configured faults, reseeded. */
	public void resetFaults(String merchantId) {
		setFaults(merchantId, configuredFaults.get(merchantId));
	}

	/** What happens to one notification. */
	public record NotificationFaults(boolean drop, boolean duplicate, long duplicateOffsetMillis, long holdMillis,
			boolean tamperAmount, boolean badSignature, boolean unknownOrder) {
	}

	public NotificationFaults drawNotification(String merchantId) {
		FaultState state = faults.get(merchantId);
		Faults f = state.settings();
		synchronized (state) {
			Random r = state.random();
			boolean drop = r.nextDouble() < f.dropShare();
			boolean duplicate = r.nextDouble() < f.duplicateShare();
			long duplicateOffset = r.nextInt(2000);
			boolean delay = r.nextDouble() < f.delayShare();
			double reorder = r.nextDouble();
			boolean tamper = r.nextDouble() < f.tamperAmountShare();
			boolean badSignature = r.nextDouble() < f.badSignatureShare();
			boolean unknown = r.nextDouble() < f.unknownOrderShare();
			long hold = (delay && f.delay() != null ? f.delay().toMillis() : 0)
					+ (f.reorderWindow() != null ? (long) (reorder * f.reorderWindow().toMillis()) : 0);
			return new NotificationFaults(drop, duplicate, duplicateOffset, hold, tamper, badSignature, unknown);
		}
	}

	/** What happens to one refund: it turns abnormal at the bank; its request is carried out but the answer lost. */
	public record RefundFaults(boolean abnormal, boolean lostAnswer) {
	}

	public RefundFaults drawRefund(String merchantId) {
		FaultState state = faults.get(merchantId);
		Faults f = state.settings();
		synchronized (state) {
			boolean abnormal = state.random().nextDouble() < f.refundAbnormalShare();
			boolean lost = state.random().nextDouble() < f.refundLostAnswerShare();
			return new RefundFaults(abnormal, lost);
		}
	}

	/** What happens to one API call. */
	public enum CallFault {
		NONE, SYSTEM_ERROR, HTTP_ERROR, OUTAGE
	}

	public CallFault drawCall(String merchantId, Instant now) {
		FaultState state = faults.get(merchantId);
		Faults f = state.settings();
		if (inOutage(f, now)) {
			return CallFault.OUTAGE;
		}
		synchronized (state) {
			double error = state.random().nextDouble();
			double http = state.random().nextDouble();
			if (http < f.queryHttpErrorShare()) {
				return CallFault.HTTP_ERROR;
			}
			return error < f.queryErrorShare() ? CallFault.SYSTEM_ERROR : CallFault.NONE;
		}
	}

	public long latencyMillis(String merchantId) {
		Faults f = faults.get(merchantId).settings();
		return f.queryLatency() == null ? 0 : f.queryLatency().toMillis();
	}

	/** The end of the outage window {@code now} falls in, if any. */
	public Optional<Instant> outageEnd(String merchantId, Instant now) {
		Faults f = faults.get(merchantId).settings();
		return f.outages().stream().filter(o -> covers(o, now)).map(o -> Instant.parse(o.to())).findFirst();
	}

	private static boolean inOutage(Faults f, Instant now) {
		return f.outages().stream().anyMatch(o -> covers(o, now));
	}

	private static boolean covers(Outage o, Instant now) {
		return !now.isBefore(Instant.parse(o.from())) && now.isBefore(Instant.parse(o.to()));
	}

	private long seedFor(String merchantId, Faults settings) {
		return settings.seed() != null ? settings.seed() : defaultSeed * 31 + merchantId.hashCode();
	}

	private record FaultState(Faults settings, Random random) {
		FaultState(Faults settings, long seed) {
			this(settings, new Random(seed));
		}
	}

	private static SandboxMerchant build(MerchantProperties p, String prefix) {
		String id = required(p.id(), prefix + ".id");
		if (p.channel() == null) {
			throw new IllegalStateException(prefix + ".channel: required (wechatpay-v2, wechatpay-v3 or alipay)");
		}
		if (p.faults() != null) {
			for (Outage o : p.faults().outages()) {
				try {
					Instant.parse(o.from());
					Instant.parse(o.to());
				}
				catch (RuntimeException ex) {
					throw new IllegalStateException(prefix + ".faults.outages: from/to must be ISO-8601 instants");
				}
			}
		}
		return switch (p.channel()) {
			case WECHATPAY_V2 -> {
				String signType = p.signType() == null ? "MD5" : p.signType();
				if (!signType.equals("MD5") && !signType.equals("HMAC-SHA256")) {
					throw new IllegalStateException(prefix + ".sign-type: MD5 or HMAC-SHA256");
				}
				yield new SandboxMerchant(id, p.channel(), required(p.appId(), prefix + ".app-id"),
						required(p.mchId(), prefix + ".mch-id"), null, read(p.apiKey(), prefix + ".api-key"), signType,
						null, null, null, null, null, null, null, p.notifyUrl(), p.requireClientCertificate(),
						new SandboxKeys(null, List.of(), List.of()), null, null);
			}
			case WECHATPAY_V3 -> {
				String apiV3Key = read(p.apiV3Key(), prefix + ".api-v3-key");
				if (apiV3Key.getBytes(StandardCharsets.UTF_8).length != 32) {
					throw new IllegalStateException(prefix + ".api-v3-key: must be 32 bytes");
				}
				List<SandboxKeys.Signer> certificates = signers(p.platformCertificates(), prefix + ".platform-certificates",
						SandboxCrypto::wechatSerial);
				SandboxKeys.Signer publicKeySigner = null;
				if (certificates.isEmpty() || p.platformPrivateKey() != null || p.platformPublicKeyId() != null) {
					publicKeySigner = new SandboxKeys.Signer(required(p.platformPublicKeyId(), prefix + ".platform-public-key-id"),
							privateKey(p.platformPrivateKey(), prefix + ".platform-private-key"), null, null);
				}
				yield new SandboxMerchant(id, p.channel(), required(p.appId(), prefix + ".app-id"),
						required(p.mchId(), prefix + ".mch-id"), null, null, null, apiV3Key,
						publicKey(p.merchantPublicKey(), prefix + ".merchant-public-key"), p.merchantSerialNo(),
						publicKeySigner == null ? null : publicKeySigner.key(),
						publicKeySigner == null ? null : publicKeySigner.id(), null, null, p.notifyUrl(), false,
						new SandboxKeys(publicKeySigner, certificates, List.of()), null, null);
			}
			case ALIPAY -> {
				List<SandboxKeys.Signer> alipay = signers(p.alipayCertificates(), prefix + ".alipay-certificates",
						SandboxCrypto::alipaySn);
				boolean certificateMode = !alipay.isEmpty();
				String appCertSn = null;
				String rootCertSn = null;
				java.security.PublicKey appKey;
				if (certificateMode) {
					var app = SandboxCrypto.certificates(read(p.appCertificate(), prefix + ".app-certificate"));
					if (app.isEmpty()) {
						throw new IllegalStateException(prefix + ".app-certificate: no certificate in it");
					}
					appKey = app.getFirst().getPublicKey();
					appCertSn = SandboxCrypto.alipaySn(app.getFirst());
					rootCertSn = SandboxCrypto.alipayRootSn(read(p.alipayRootCertificate(), prefix + ".alipay-root-certificate"));
				}
				else {
					appKey = publicKey(p.appPublicKey(), prefix + ".app-public-key");
				}
				yield new SandboxMerchant(id, p.channel(), required(p.appId(), prefix + ".app-id"), null,
						required(p.sellerId(), prefix + ".seller-id"), null, null, null, null, null, null, null, appKey,
						certificateMode ? alipay.getLast().key() : privateKey(p.alipayPrivateKey(), prefix + ".alipay-private-key"),
						p.notifyUrl(), false, new SandboxKeys(null, List.of(), alipay), appCertSn, rootCertSn);
			}
		};
	}

	/** Certificates with their keys, named by {@code id} (WeChat serial or Alipay SN). */
	private static List<SandboxKeys.Signer> signers(List<SandboxProperties.CertifiedKey> configured, String property,
			java.util.function.Function<java.security.cert.X509Certificate, String> id) {
		List<SandboxKeys.Signer> out = new java.util.ArrayList<>();
		int index = 0;
		for (SandboxProperties.CertifiedKey c : configured) {
			String prefix = property + "[" + index++ + "]";
			String pem = read(c.certificate(), prefix + ".certificate");
			var chain = SandboxCrypto.certificates(pem);
			if (chain.isEmpty()) {
				throw new IllegalStateException(prefix + ".certificate: no certificate in it");
			}
			out.add(new SandboxKeys.Signer(id.apply(chain.getFirst()), privateKey(c.privateKey(), prefix + ".private-key"),
					chain.getFirst(), pem));
		}
		return out;
	}

	private static String required(String value, String property) {
		if (value == null || value.isBlank()) {
			throw new IllegalStateException(property + ": required");
		}
		return value;
	}

	/** Inline, or {@code file:} / {@code classpath:}. */
	static String read(String value, String property) {
		String text = required(value, property);
		if (!text.startsWith("file:") && !text.startsWith("classpath:")) {
			return text;
		}
		try (var in = RESOURCES.getResource(text).getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
		}
		catch (IOException ex) {
			throw new IllegalStateException(property + ": cannot read " + text + " (" + ex.getClass().getSimpleName() + ")");
		}
	}

	private static java.security.PublicKey publicKey(String value, String property) {
		try {
			return SandboxCrypto.readPublicKey(read(value, property));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(property + ": not an RSA public key or certificate");
		}
	}

	private static java.security.PrivateKey privateKey(String value, String property) {
		try {
			return SandboxCrypto.readPrivateKey(read(value, property));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(property + ": not an RSA private key");
		}
	}
}
