package com.payrecon.scheduling;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.payrecon.scheduling.CatalogueEntry.RunKey;
import org.jspecify.annotations.Nullable;
import org.quartz.CronExpression;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Reads and validates the job catalogue: one YAML file per job. Anything wrong (unreadable YAML, a missing, unknown
 * or mistyped field, a job name without a {@code Job} bean, a bad cron, an unknown zone or account) stops start-up
 * with an {@link InvalidJobCatalogue} whose message names the file and the field.
 */
public final class JobCatalogueLoader {

	static final String DEFAULT_DIRECTORY = "batch-jobs";
	static final String PACKAGED_PATTERN = "classpath*:batch-jobs/*.yaml";
	private static final Set<String> FIELDS = Set.of("name", "cron", "zone", "enabled", "run-key", "parameters");
	private static final Pattern JOB_NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
	private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,63}");

	private final Set<String> jobNames;
	private final ZoneId defaultZone;
	private final Function<String, @Nullable ZoneId> accountZones;

	/**
	 * @param jobNames the names of the {@code Job} beans
	 * @param accountZones an account id to its zone, null when there is no such account
	 */
	public JobCatalogueLoader(Set<String> jobNames, ZoneId defaultZone, Function<String, @Nullable ZoneId> accountZones) {
		this.jobNames = Set.copyOf(jobNames);
		this.defaultZone = defaultZone;
		this.accountZones = accountZones;
	}

	/** The catalogue at {@code location} (see {@link BatchJobsProperties#location()} for the fallback rule). */
	public List<CatalogueEntry> load(@Nullable String location) {
		if (location != null && !location.isBlank()) {
			Path dir = Path.of(location);
			if (!Files.isDirectory(dir)) {
				throw new InvalidJobCatalogue("payrecon.batch-jobs.location: " + dir.toAbsolutePath() + " is not a directory");
			}
			return loadDirectory(dir);
		}
		Path dir = Path.of(DEFAULT_DIRECTORY);
		return Files.isDirectory(dir) ? loadDirectory(dir) : loadPackaged();
	}

	public List<CatalogueEntry> loadDirectory(Path dir) {
		List<Path> files;
		try (Stream<Path> list = Files.list(dir)) {
			files = list.filter(p -> isYaml(p.getFileName().toString())).sorted().toList();
		}
		catch (IOException ex) {
			throw new InvalidJobCatalogue(dir + ": cannot list (" + ex.getMessage() + ")");
		}
		List<CatalogueEntry> entries = new ArrayList<>();
		for (Path file : files) {
			try (InputStream in = Files.newInputStream(file)) {
				entries.add(parse(display(dir, file), file.getFileName().toString(), in));
			}
			catch (IOException ex) {
				throw new InvalidJobCatalogue(display(dir, file) + ": cannot read (" + ex.getMessage() + ")");
			}
		}
		return checkUnique(entries);
	}

	private List<CatalogueEntry> loadPackaged() {
		Resource[] resources;
		try {
			resources = new PathMatchingResourcePatternResolver().getResources(PACKAGED_PATTERN);
		}
		catch (IOException ex) {
			throw new InvalidJobCatalogue(PACKAGED_PATTERN + ": cannot list (" + ex.getMessage() + ")");
		}
		List<CatalogueEntry> entries = new ArrayList<>();
		for (Resource resource : Arrays.stream(resources).sorted(Comparator.comparing(Resource::getFilename)).toList()) {
			String fileName = String.valueOf(resource.getFilename());
			try (InputStream in = resource.getInputStream()) {
				entries.add(parse("classpath:batch-jobs/" + fileName, fileName, in));
			}
			catch (IOException ex) {
				throw new InvalidJobCatalogue("classpath:batch-jobs/" + fileName + ": cannot read (" + ex.getMessage() + ")");
			}
		}
		return checkUnique(entries);
	}

	/** Parses one file; {@code source} names it in messages, {@code fileName} must be {@code <name>.yaml}. */
	CatalogueEntry parse(String source, String fileName, InputStream in) {
		Object document;
		try {
			LoaderOptions options = new LoaderOptions();
			options.setAllowDuplicateKeys(false);
			options.setMaxAliasesForCollections(10);
			document = new Yaml(new SafeConstructor(options)).load(in);
		}
		catch (YAMLException ex) {
			throw new InvalidJobCatalogue(source + ": not valid YAML (" + describe(ex) + ")");
		}
		if (!(document instanceof Map<?, ?> map)) {
			throw new InvalidJobCatalogue(source + ": expected a mapping with the fields " + new java.util.TreeSet<>(FIELDS));
		}
		for (Object key : map.keySet()) {
			if (!(key instanceof String field) || !FIELDS.contains(field)) {
				throw new InvalidJobCatalogue(source + ": " + key + ": unknown field (allowed: " + new java.util.TreeSet<>(FIELDS) + ")");
			}
		}
		String name = string(map, "name", source, true);
		if (!JOB_NAME.matcher(name).matches()) {
			throw new InvalidJobCatalogue(source + ": name: '" + name + "' is not a kebab-case job name");
		}
		if (!jobNames.contains(name)) {
			throw new InvalidJobCatalogue(source + ": name: no job named '" + name + "' (jobs: " + new java.util.TreeSet<>(jobNames) + ")");
		}
		String expected = name + ".yaml";
		if (!fileName.equals(expected) && !fileName.equals(name + ".yml")) {
			throw new InvalidJobCatalogue(source + ": name: '" + name + "' must match the file name (" + expected + ")");
		}
		String cron = string(map, "cron", source, true);
		try {
			CronExpression.validateExpression(cron);
		}
		catch (java.text.ParseException ex) {
			throw new InvalidJobCatalogue(source + ": cron: '" + cron + "' is not a Quartz cron expression (" + ex.getMessage() + ")");
		}
		ZoneId zone = zone(string(map, "zone", source, false), source);
		Object enabledValue = map.get("enabled");
		if (!(enabledValue instanceof Boolean enabled)) {
			throw new InvalidJobCatalogue(source + ": enabled: required, true or false");
		}
		String runKeyText = string(map, "run-key", source, false);
		RunKey runKey = runKeyText == null ? RunKey.FIRE_TIME : Arrays.stream(RunKey.values())
			.filter(k -> k.wireName().equals(runKeyText))
			.findFirst()
			.orElseThrow(() -> new InvalidJobCatalogue(source + ": run-key: '" + runKeyText + "' is not fire-time or business-date"));
		return new CatalogueEntry(name, cron, zone, enabled, runKey, parameters(map.get("parameters"), source), source);
	}

	private ZoneId zone(@Nullable String text, String source) {
		if (text == null) {
			return defaultZone;
		}
		if (text.startsWith("account:")) {
			ZoneId zone = accountZones.apply(text.substring("account:".length()));
			if (zone == null) {
				throw new InvalidJobCatalogue(source + ": zone: no account '" + text.substring(8) + "' in payrecon.accounts");
			}
			return zone;
		}
		try {
			return ZoneId.of(text);
		}
		catch (DateTimeException ex) {
			throw new InvalidJobCatalogue(source + ": zone: '" + text + "' is not a zone id (e.g. Asia/Shanghai) or account:<id>");
		}
	}

	private static Map<String, Object> parameters(@Nullable Object value, String source) {
		if (value == null) {
			return Map.of();
		}
		if (!(value instanceof Map<?, ?> map)) {
			throw new InvalidJobCatalogue(source + ": parameters: expected a mapping of names to values");
		}
		Map<String, Object> parameters = new LinkedHashMap<>();
		for (Map.Entry<?, ?> e : map.entrySet()) {
			if (!(e.getKey() instanceof String key) || !PARAMETER_NAME.matcher(key).matches()) {
				throw new InvalidJobCatalogue(source + ": parameters." + e.getKey() + ": parameter names are camelCase letters and digits");
			}
			if (JobParameterNames.STANDARD.contains(key)) {
				throw new InvalidJobCatalogue(source + ": parameters." + key + ": set by the scheduler, not by the catalogue");
			}
			Object v = e.getValue();
			Object typed = switch (v) {
				case String s -> s;
				case Integer i -> i.longValue();
				case Long l -> l;
				case Double d -> d;
				case Boolean b -> b.toString();
				case null, default -> throw new InvalidJobCatalogue(source + ": parameters." + key
						+ ": a value must be a string, a number or a boolean");
			};
			parameters.put(key, typed);
		}
		return Collections.unmodifiableMap(parameters);
	}

	private static @Nullable String string(Map<?, ?> map, String field, String source, boolean required) {
		Object value = map.get(field);
		if (value == null) {
			if (required) {
				throw new InvalidJobCatalogue(source + ": " + field + ": required");
			}
			return null;
		}
		if (!(value instanceof String text) || text.isBlank()) {
			throw new InvalidJobCatalogue(source + ": " + field + ": expected a non-empty string");
		}
		return text.strip();
	}

	private static List<CatalogueEntry> checkUnique(List<CatalogueEntry> entries) {
		Map<String, CatalogueEntry> byName = new LinkedHashMap<>();
		for (CatalogueEntry entry : entries) {
			CatalogueEntry earlier = byName.putIfAbsent(entry.name(), entry);
			if (earlier != null) {
				throw new InvalidJobCatalogue(entry.source() + ": name: '" + entry.name() + "' is also defined in " + earlier.source());
			}
		}
		return List.copyOf(entries);
	}

	private static boolean isYaml(String fileName) {
		return fileName.endsWith(".yaml") || fileName.endsWith(".yml");
	}

	private static String display(Path dir, Path file) {
		return dir.resolve(file.getFileName()).toString();
	}

	private static String describe(YAMLException ex) {
		if (ex instanceof MarkedYAMLException marked && marked.getProblem() != null) {
			return marked.getProblem() + (marked.getProblemMark() == null ? "" : " at line " + (marked.getProblemMark().getLine() + 1));
		}
		String text = ex.getMessage();
		return text == null ? ex.getClass().getSimpleName() : text.lines().findFirst().orElse("");
	}

	/** The catalogue is wrong; the message names the file and the field. */
	public static class InvalidJobCatalogue extends IllegalStateException {
		public InvalidJobCatalogue(String message) {
			super(message);
		}
	}
}
