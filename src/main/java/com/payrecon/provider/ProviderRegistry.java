package com.payrecon.provider;

import java.util.EnumMap;
import java.util.Map;

import com.payrecon.account.Account;
import com.payrecon.account.Channel;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The {@link PaymentProvider} for each channel, checked at start-up: every channel has one. Where several exist for
 * a channel, the first in bean order wins (tests put a scripted one first).
 */
@Component
public class ProviderRegistry {

	private final Map<Channel, PaymentProvider> byChannel = new EnumMap<>(Channel.class);

	public ProviderRegistry(ObjectProvider<PaymentProvider> providers) {
		providers.orderedStream().forEach(provider -> byChannel.putIfAbsent(provider.channel(), provider));
		for (Channel channel : Channel.values()) {
			if (!byChannel.containsKey(channel)) {
				throw new IllegalStateException("no PaymentProvider for " + channel);
			}
		}
	}

	public PaymentProvider forChannel(Channel channel) {
		return byChannel.get(channel);
	}

	public PaymentProvider forAccount(Account account) {
		return forChannel(account.channel());
	}
}
