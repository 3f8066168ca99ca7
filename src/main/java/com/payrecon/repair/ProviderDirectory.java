package com.payrecon.repair;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

import com.payrecon.account.Channel;
import com.payrecon.provider.PaymentProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** The {@link PaymentProvider} for each channel (the first in bean order wins). */
@Component
public class ProviderDirectory {

	private final Map<Channel, PaymentProvider> providers = new EnumMap<>(Channel.class);

	ProviderDirectory(ObjectProvider<PaymentProvider> all) {
		all.orderedStream().forEach(p -> providers.putIfAbsent(p.channel(), p));
	}

	public Optional<PaymentProvider> forChannel(Channel channel) {
		return Optional.ofNullable(providers.get(channel));
	}
}
