package com.payrecon.scheduling;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The validated catalogue of this start: every job PayRecon schedules or lets operators run, by name. */
public final class JobCatalogue {

	private final Map<String, CatalogueEntry> entries = new LinkedHashMap<>();

	public JobCatalogue(List<CatalogueEntry> entries) {
		entries.forEach(e -> this.entries.put(e.name(), e));
	}

	public Collection<CatalogueEntry> entries() {
		return entries.values();
	}

	public Optional<CatalogueEntry> find(String name) {
		return Optional.ofNullable(entries.get(name));
	}
}
