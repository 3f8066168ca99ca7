package com.payrecon.checkout;

import java.util.Map;

import com.payrecon.provider.FakeServer;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts one in-test provider fake per test JVM and publishes its URL as {@code payrecon.it.fake-provider-url}, so
 * that test accounts in application-it.yaml can point at it without changing the shared test context.
 */
public class FakeProviderEnvironment implements EnvironmentPostProcessor {

	private static FakeServer server;

	public static synchronized FakeServer server() {
		if (server == null) {
			server = new FakeServer();
		}
		return server;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		environment.getPropertySources().addLast(new MapPropertySource("fakeProvider",
				Map.of("payrecon.it.fake-provider-url", server().base("/fake").toString())));
	}
}
