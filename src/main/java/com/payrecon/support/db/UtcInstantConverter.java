package com.payrecon.support.db;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import org.jooq.impl.AbstractConverter;

/**
 * Every {@code DATETIME(6)} column holds a UTC wall-clock time; jOOQ hands it out as an {@link Instant}.
 * Independent of the JVM's and the database session's time zone.
 */
public final class UtcInstantConverter extends AbstractConverter<LocalDateTime, Instant> {

	public UtcInstantConverter() {
		super(LocalDateTime.class, Instant.class);
	}

	@Override
	public Instant from(LocalDateTime databaseObject) {
		return databaseObject == null ? null : databaseObject.toInstant(ZoneOffset.UTC);
	}

	@Override
	public LocalDateTime to(Instant userObject) {
		return userObject == null ? null : LocalDateTime.ofInstant(userObject, ZoneOffset.UTC);
	}
}
