package com.payrecon.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.Arrays;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Generates the demo's keys before anything reads them (the {@code AccountRegistry} and the sandbox both load them at
 * start-up): when the {@code demo} profile is active or {@code payrecon.sandbox.generate-keys=true}, every missing
 * file in {@code payrecon.sandbox.key-dir} (default {@code data/sandbox-keys}, git-ignored) is created once and reused
 * afterwards. Fresh random keys, never published sample keys. Files are readable by the owner only where the file
 * system allows.
 */
public class SandboxKeysEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String[] SECRETS = { "wechat-v2-api-key.txt", "wechat-v3-api-key.txt" };
	static final String[] PAIRS = { "wechat-v3-merchant", "wechat-v3-platform", "alipay-app", "alipay" };

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE; // after the config data (profiles, key-dir) is loaded
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		boolean demo = Arrays.asList(environment.getActiveProfiles()).contains("demo");
		if (!demo && !environment.getProperty("payrecon.sandbox.generate-keys", Boolean.class, false)) {
			return;
		}
		generate(Path.of(environment.getProperty("payrecon.sandbox.key-dir", "data/sandbox-keys")));
	}

	static void generate(Path dir) {
		try {
			Files.createDirectories(dir);
			for (String name : SECRETS) {
				Path file = dir.resolve(name);
				if (!Files.exists(file)) {
					write(file, SandboxCrypto.randomAlphanumeric(32) + "\n");
				}
			}
			for (String pair : PAIRS) {
				Path privateFile = dir.resolve(pair + "-private.pem");
				Path publicFile = dir.resolve(pair + "-public.pem");
				if (!Files.exists(privateFile) || !Files.exists(publicFile)) {
					KeyPair keys = SandboxCrypto.generateRsaKeyPair();
					write(privateFile, SandboxCrypto.pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
					write(publicFile, SandboxCrypto.pem("PUBLIC KEY", keys.getPublic().getEncoded()));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create the demo keys in " + dir, ex);
		}
	}

	private static void write(Path file, String content) throws IOException {
		Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
		Files.writeString(tmp, content, StandardCharsets.US_ASCII);
		try {
			Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
		}
		catch (UnsupportedOperationException ex) {
			// not a POSIX file system: keep the default permissions
		}
		Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
	}
}
