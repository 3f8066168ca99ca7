package com.payrecon.provider;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import com.payrecon.account.Account;
import com.payrecon.account.Channel;

import org.springframework.stereotype.Component;

/** The {@link PaymentProvider} for each channel: one implementation per {@link Channel}, checked at start-up. */
@Component
public class ProviderRegistry {

	private final Map<Channel, PaymentProvider> byChannel = new EnumMap<>(Channel.class);

	public ProviderRegistry(List<PaymentProvider> providers) {
		for (PaymentProvider provider : providers) {
			if (byChannel.putIfAbsent(provider.channel(), provider) != null) {
				throw new IllegalStateException("two PaymentProviders for " + provider.channel());
			}
		}
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
