package com.payrecon.security;

import static com.payrecon.db.Tables.USER_HANDOVER;

import java.time.Instant;
import java.util.List;

import com.payrecon.db.tables.UserHandover;
import org.jooq.DSLContext;

import org.springframework.stereotype.Repository;

/** Who handed power or access to whom, and when (table {@code user_handover}). */
@Repository
class HandoverRepository {

	/** One handover: {@code by} created {@code login}, gave them a role, enabled them or reset a credential. */
	record Handover(String login, String by, String kind, String detail, Instant at) {
	}

	private final DSLContext dsl;

	HandoverRepository(DSLContext dsl) {
		this.dsl = dsl;
	}

	void insert(String login, String by, String kind, String detail, Instant at) {
		dsl.insertInto(USER_HANDOVER)
			.set(USER_HANDOVER.LOGIN, login)
			.set(USER_HANDOVER.BY_LOGIN, by)
			.set(USER_HANDOVER.KIND, kind)
			.set(USER_HANDOVER.DETAIL, detail)
			.set(USER_HANDOVER.AT, at)
			.execute();
	}

	/** Handovers since {@code since} that tie {@code a} and {@code b}: between them, or to both from one third user. */
	List<Handover> tying(String a, String b, Instant since) {
		UserHandover h = USER_HANDOVER.as("h");
		UserHandover other = USER_HANDOVER.as("o");
		var direct = h.AT.ge(since)
			.and(h.LOGIN.eq(a).and(h.BY_LOGIN.eq(b)).or(h.LOGIN.eq(b).and(h.BY_LOGIN.eq(a))));
		var common = h.AT.ge(since)
			.and(h.LOGIN.in(a, b))
			.and(h.BY_LOGIN.notIn(a, b))
			.andExists(dsl.selectOne()
				.from(other)
				.where(other.AT.ge(since), other.BY_LOGIN.eq(h.BY_LOGIN), other.LOGIN.in(a, b), other.LOGIN.ne(h.LOGIN)));
		return dsl.selectFrom(h)
			.where(direct.or(common))
			.orderBy(h.AT.desc(), h.ID.desc())
			.fetch(r -> new Handover(r.getLogin(), r.getByLogin(), r.getKind(), r.getDetail(), r.getAt()));
	}

	/** The latest handovers to {@code login} since {@code since}, newest first. */
	List<Handover> to(String login, Instant since) {
		return dsl.selectFrom(USER_HANDOVER)
			.where(USER_HANDOVER.LOGIN.eq(login), USER_HANDOVER.AT.ge(since))
			.orderBy(USER_HANDOVER.AT.desc(), USER_HANDOVER.ID.desc())
			.fetch(r -> new Handover(r.getLogin(), r.getByLogin(), r.getKind(), r.getDetail(), r.getAt()));
	}
}
