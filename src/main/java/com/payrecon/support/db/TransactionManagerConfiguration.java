package com.payrecon.support.db;

import javax.sql.DataSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * The application's one transaction manager (Boot would make the same one, on the data source itself): its
 * transactions begin with {@code START TRANSACTION} ({@link StartTransactionDataSource}, docs/transactions.md).
 */
@Configuration(proxyBeanMethods = false)
class TransactionManagerConfiguration {

	@Bean
	JdbcTransactionManager transactionManager(DataSource dataSource) {
		return new JdbcTransactionManager(new StartTransactionDataSource(dataSource));
	}
}
