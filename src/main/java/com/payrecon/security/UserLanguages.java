package com.payrecon.security;

import static com.payrecon.db.Tables.CONSOLE_USER;

import java.util.Optional;

import org.jooq.DSLContext;

import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The console language each user chose in the header (a BCP 47 tag, {@code console_user.locale}); none until they
 * choose, and then the browser's Accept-Language decides.
 */
@Repository
public class UserLanguages {

	private final DSLContext dsl;

	UserLanguages(DSLContext dsl) {
		this.dsl = dsl;
	}

	@Transactional(readOnly = true)
	public Optional<String> of(String login) {
		return dsl.select(CONSOLE_USER.LOCALE)
			.from(CONSOLE_USER)
			.where(CONSOLE_USER.LOGIN.eq(ConsoleUserRepository.normalise(login)))
			.fetchOptional(CONSOLE_USER.LOCALE);
	}

	@Transactional
	public void remember(String login, String languageTag) {
		dsl.update(CONSOLE_USER)
			.set(CONSOLE_USER.LOCALE, languageTag)
			.where(CONSOLE_USER.LOGIN.eq(ConsoleUserRepository.normalise(login)))
			.execute();
	}
}
