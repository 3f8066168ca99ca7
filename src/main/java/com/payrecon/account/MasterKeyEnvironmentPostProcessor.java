package com.payrecon.account;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The demo's master key for replaced account keys: with the {@code demo} profile (or
 * {@code payrecon.secrets.generate-master-key=true}) and no {@code payrecon.secrets.master-key}, a random one is
 * created once in {@code payrecon.secrets.key-dir} (default {@code data/secrets}, git-ignored, owner-only) and used
 * from then on, like the sandbox keys. Production configures its own.
 */
public class MasterKeyEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String FILE = "master-key.txt";

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE; // after the config data (profiles) is loaded
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		boolean demo = Arrays.asList(environment.getActiveProfiles()).contains("demo");
		if (!demo && !environment.getProperty("payrecon.secrets.generate-master-key", Boolean.class, false)) {
			return;
		}
		String configured = environment.getProperty(MasterKeyCipher.PROPERTY);
		if (configured != null && !configured.isBlank()) {
			return;
		}
		Path file = Path.of(environment.getProperty("payrecon.secrets.key-dir", "data/secrets")).resolve(FILE);
		generate(file);
		environment.getPropertySources()
			.addLast(new MapPropertySource("generated master key",
					Map.of(MasterKeyCipher.PROPERTY, "file:" + file.toAbsolutePath())));
	}

	static void generate(Path file) {
		if (Files.exists(file)) {
			return;
		}
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		try {
			Files.createDirectories(file.toAbsolutePath().getParent());
			Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
			Files.writeString(tmp, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
			try {
				Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
			}
			catch (UnsupportedOperationException ex) {
				// not a POSIX file system: keep the default permissions
			}
			Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create the demo master key " + file, ex);
		}
	}
}
