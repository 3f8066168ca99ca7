package com.payrecon.webhook;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The SSRF guard (with PayRecon's own addresses) and the HTTP client of deliveries. */
@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

	private static final Logger log = LoggerFactory.getLogger(WebhookConfiguration.class);

	@Bean
	EgressGuard egressGuard(DeliveryProperties properties, @Value("${payrecon.public-base-url:}") String publicBaseUrl) {
		return new EgressGuard(properties.allowedNetworks(), ownAddresses(publicBaseUrl), InetAddress::getAllByName,
				properties.requireHttps());
	}

	@Bean(destroyMethod = "close")
	WebhookSender webhookSender(EgressGuard guard, DeliveryProperties properties) {
		return new WebhookSender(guard, properties);
	}

	/** Every address of this machine's interfaces, and what PayRecon's public URL resolves to now. */
	static Set<InetAddress> ownAddresses(String publicBaseUrl) {
		Set<InetAddress> own = new HashSet<>();
		try {
			for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
				nic.inetAddresses().forEach(own::add);
			}
		}
		catch (SocketException ex) {
			log.warn("Could not list this machine's addresses for the webhook SSRF guard: {}", ex.toString());
		}
		if (publicBaseUrl != null && !publicBaseUrl.isBlank()) {
			try {
				String host = URI.create(publicBaseUrl).getHost();
				if (host != null) {
					own.addAll(Set.of(InetAddress.getAllByName(host)));
				}
			}
			catch (IllegalArgumentException | UnknownHostException ex) {
				log.info("payrecon.public-base-url does not resolve here ({}); its addresses are not among PayRecon's own",
						ex.getClass().getSimpleName());
			}
		}
		return own;
	}
}
