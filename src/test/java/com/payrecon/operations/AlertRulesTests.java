package com.payrecon.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The Prometheus alert rules in {@code ops/payrecon-alerts.yml} (the README's alert table) pass their promtool unit
 * tests, which give every alert series that fire it and series that do not; and promtool does notice a rule that no
 * longer fires where it should (a raised threshold), so the test cannot pass by accident. Needs {@code promtool}
 * (Debian's prometheus package; .mvn/ensure-promtool.sh installs it when missing and running as root).
 */
class AlertRulesTests {

	static final Path OPS = Path.of("ops");

	@Test
	void everyAlertFiresOnItsSeriesAndOnlyThere() throws Exception {
		Result result = promtool("check", "rules", OPS.resolve("payrecon-alerts.yml").toString());
		assertThat(result.exit()).as(result.output()).isZero();
		assertThat(result.output()).contains("SUCCESS: 18 rules found");

		Result tests = promtool("test", "rules", OPS.resolve("payrecon-alerts.test.yml").toString());
		assertThat(tests.exit()).as(tests.output()).isZero();
		assertThat(tests.output()).contains("SUCCESS");
	}

	@Test
	void aWeakenedRuleFailsItsTest() throws Exception {
		Path dir = Files.createTempDirectory("alerts");
		String rules = Files.readString(OPS.resolve("payrecon-alerts.yml"));
		assertThat(rules).contains("payrecon_orders_stale_pending > 100");
		Files.writeString(dir.resolve("payrecon-alerts.yml"), rules.replace("payrecon_orders_stale_pending > 100",
				"payrecon_orders_stale_pending > 1000"));
		Files.copy(OPS.resolve("payrecon-alerts.test.yml"), dir.resolve("payrecon-alerts.test.yml"));

		Result result = promtool("test", "rules", dir.resolve("payrecon-alerts.test.yml").toString());

		assertThat(result.exit()).isNotZero();
		assertThat(result.output()).contains("PayReconStalePending").contains("FAILED");
	}

	record Result(int exit, String output) {
	}

	static Result promtool(String... arguments) throws IOException, InterruptedException {
		assumeTrue(onPath("promtool"), "promtool not installed (Debian package prometheus); see .mvn/ensure-promtool.sh");
		List<String> command = new java.util.ArrayList<>(List.of("promtool"));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		return new Result(process.exitValue(), output);
	}

	static boolean onPath(String program) {
		for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
			if (Files.isExecutable(Path.of(dir, program))) {
				return true;
			}
		}
		return false;
	}
}
