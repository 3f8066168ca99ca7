package com.payrecon.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.payrecon.scheduling.CatalogueEntry.RunKey;
import com.payrecon.scheduling.JobCatalogueLoader.InvalidJobCatalogue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobCatalogueLoaderTests {

	static final String VALID = """
			name: stale-pending-report
			cron: "0 10 * * * ?"
			zone: Europe/Paris
			enabled: true
			run-key: business-date
			parameters:
			  staleAfter: PT2H
			  chunkSize: 500
			  ratio: 0.5
			  dryRun: true
			""";

	final JobCatalogueLoader loader = new JobCatalogueLoader(Set.of("stale-pending-report", "other-job"),
			ZoneId.of("Asia/Shanghai"), id -> id.equals("wx-hk") ? ZoneId.of("Asia/Hong_Kong") : null);

	@Test
	void aValidFileBecomesATypedEntry() {
		CatalogueEntry entry = parse("stale-pending-report.yaml", VALID);

		assertThat(entry.name()).isEqualTo("stale-pending-report");
		assertThat(entry.cron()).isEqualTo("0 10 * * * ?");
		assertThat(entry.zone()).isEqualTo(ZoneId.of("Europe/Paris"));
		assertThat(entry.enabled()).isTrue();
		assertThat(entry.runKey()).isEqualTo(RunKey.BUSINESS_DATE);
		assertThat(entry.parameters()).containsExactly(Map.entry("staleAfter", "PT2H"), Map.entry("chunkSize", 500L),
				Map.entry("ratio", 0.5), Map.entry("dryRun", "true"));
	}

	@Test
	void theZoneDefaultsToTheConfiguredOneOrIsAnAccounts() {
		String base = "name: other-job\ncron: \"0 0 9 * * ?\"\nenabled: false\n";
		assertThat(parse("other-job.yaml", base).zone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
		assertThat(parse("other-job.yaml", base + "zone: account:wx-hk\n").zone()).isEqualTo(ZoneId.of("Asia/Hong_Kong"));
		assertThat(parse("other-job.yaml", base).runKey()).isEqualTo(RunKey.FIRE_TIME);
		assertThat(parse("other-job.yaml", base).parameters()).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			unknown job             | name: no-such-job                  | name: no job named 'no-such-job'
			name not kebab          | name: StalePending                 | name: 'StalePending' is not a kebab-case job name
			name is not file name   | name: other-job                    | name: 'other-job' must match the file name
			bad cron                | cron: "0 70 * * * ?"               | cron: '0 70 * * * ?' is not a Quartz cron expression
			five-field cron         | cron: "10 * * * *"                 | cron: '10 * * * *' is not a Quartz cron expression
			unknown zone            | zone: Asia/Beijing                 | zone: 'Asia/Beijing' is not a zone id
			unknown account zone    | zone: account:nobody               | zone: no account 'nobody'
			enabled not boolean     | enabled: "yes please"              | enabled: required, true or false
			bad run-key             | run-key: daily                     | run-key: 'daily' is not fire-time or business-date
			unknown field           | schedule: hourly                   | schedule: unknown field
			parameters not a map    | parameters: [1, 2]                 | parameters: expected a mapping
			nested parameter value  | parameters: {staleAfter: {a: 1}}   | parameters.staleAfter: a value must be a string
			reserved parameter      | parameters: {fireTime: x}          | parameters.fireTime: set by the scheduler
			""")
	void anInvalidFileNamesTheFileAndTheField(String kind, String override, String message) {
		String field = override.substring(0, override.indexOf(':'));
		String yaml = VALID.lines()
			.filter(line -> !line.startsWith(field + ":") && !(field.equals("parameters") && line.startsWith("  ")))
			.reduce("", (a, b) -> a + b + "\n") + override + "\n";

		assertThatThrownBy(() -> parse("stale-pending-report.yaml", yaml)).isInstanceOf(InvalidJobCatalogue.class)
			.hasMessageStartingWith("batch-jobs/stale-pending-report.yaml: ")
			.hasMessageContaining(message);
	}

	@ParameterizedTest(name = "missing {0}")
	@CsvSource({ "name", "cron", "enabled" })
	void aMissingRequiredFieldIsNamed(String field) {
		String yaml = VALID.lines().filter(line -> !line.startsWith(field + ":")).reduce("", (a, b) -> a + b + "\n");

		assertThatThrownBy(() -> parse("stale-pending-report.yaml", yaml))
			.hasMessageStartingWith("batch-jobs/stale-pending-report.yaml: " + field + ": required");
	}

	@Test
	void brokenOrDuplicateKeyedYamlIsRejected() {
		assertThatThrownBy(() -> parse("stale-pending-report.yaml", "name: [unclosed\n"))
			.hasMessageStartingWith("batch-jobs/stale-pending-report.yaml: not valid YAML");
		assertThatThrownBy(() -> parse("stale-pending-report.yaml", VALID + "enabled: false\n"))
			.hasMessageStartingWith("batch-jobs/stale-pending-report.yaml: not valid YAML")
			.hasMessageContaining("duplicate key");
		assertThatThrownBy(() -> parse("stale-pending-report.yaml", "- a list\n"))
			.hasMessageStartingWith("batch-jobs/stale-pending-report.yaml: expected a mapping");
	}

	@Test
	void aDirectoryIsReadFileByFileAndAMissingConfiguredDirectoryFails(@TempDir Path dir) throws IOException {
		Files.writeString(dir.resolve("stale-pending-report.yaml"), VALID);
		Files.writeString(dir.resolve("other-job.yml"), "name: other-job\ncron: \"0 0 9 * * ?\"\nenabled: false\n");
		Files.writeString(dir.resolve("README.md"), "# not a job");

		List<CatalogueEntry> entries = loader.load(dir.toString());

		assertThat(entries).extracting(CatalogueEntry::name).containsExactly("other-job", "stale-pending-report");
		assertThatThrownBy(() -> loader.load(dir.resolve("absent").toString()))
			.hasMessageStartingWith("payrecon.batch-jobs.location: ");
	}

	@Test
	void theProjectsOwnCatalogueIsValid() {
		// the Job beans of the application (start-up checks the same against the real beans)
		Set<String> jobs = Set.of("stale-pending-report", "stale-pending-sweep", "micropay-watchdog", "daily-reconciliation",
				"refund-sweep", "data-retention");
		List<CatalogueEntry> entries = new JobCatalogueLoader(jobs, ZoneId.of("Asia/Shanghai"), id -> null).load("batch-jobs");

		assertThat(entries).extracting(CatalogueEntry::name).containsExactlyInAnyOrderElementsOf(jobs);
	}

	@Test
	void theReadmeCatalogueListsExactlyTheJobFiles() throws IOException {
		String readme = Files.readString(Path.of("batch-jobs/README.md"));
		String table = readme.substring(readme.indexOf("## Catalogue"), readme.indexOf("### Planned"));
		List<String> documented = table.lines()
			.filter(line -> line.startsWith("| `"))
			.map(line -> line.substring(3, line.indexOf('`', 3)))
			.sorted()
			.toList();
		List<String> files;
		try (var list = Files.list(Path.of("batch-jobs"))) {
			files = list.map(f -> f.getFileName().toString())
				.filter(f -> f.endsWith(".yaml"))
				.map(f -> f.substring(0, f.length() - 5))
				.sorted()
				.toList();
		}

		assertThat(documented).isNotEmpty().isEqualTo(files);
	}

	@Test
	void theFingerprintChangesWithWhatShapesTheTrigger() {
		CatalogueEntry entry = parse("stale-pending-report.yaml", VALID);
		CatalogueEntry otherCron = parse("stale-pending-report.yaml", VALID.replace("0 10 * * * ?", "0 20 * * * ?"));
		CatalogueEntry otherParameter = parse("stale-pending-report.yaml", VALID.replace("PT2H", "PT3H"));

		assertThat(entry.fingerprint()).isEqualTo(parse("stale-pending-report.yaml", VALID).fingerprint())
			.isNotEqualTo(otherCron.fingerprint())
			.isNotEqualTo(otherParameter.fingerprint());
	}

	private CatalogueEntry parse(String fileName, String yaml) {
		return loader.parse("batch-jobs/" + fileName, fileName, new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
	}
}
