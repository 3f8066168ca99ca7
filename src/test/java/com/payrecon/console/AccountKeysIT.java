package com.payrecon.console;

import static com.payrecon.db.Tables.ACCOUNT_KEY;
import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static com.payrecon.db.Tables.KEY_PROPOSAL;
import static com.payrecon.db.Tables.KEY_PROPOSAL_ITEM;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.payrecon.account.AccountRegistry;
import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.notify.Notifications;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.crypto.Keys;
import com.payrecon.security.Role;
import com.payrecon.security.StepUp;
import com.payrecon.support.Http;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Admin → Accounts, maker-checker for keys (issue 11, threat case C8), over real HTTP: one admin proposes a key with
 * their password, the key in force stays until a different admin approves with theirs; then the new key verifies
 * notifications at once and the old one no longer does. Proposed material is sealed until decided, then wiped; never
 * shown, audited or logged. Accounts keys-wx2 and keys-wx3 are used by no other test.
 */
@PayReconIT
@ExtendWith(OutputCaptureExtension.class)
class AccountKeysIT {

	static final String ACCOUNT = "keys-wx2";
	static final String V3_ACCOUNT = "keys-wx3";
	static final String CERTIFICATE_ACCOUNT = "cert-ali";

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	OrderService orders;

	@Autowired
	AccountRegistry registry;

	@Autowired
	DSLContext dsl;

	@Autowired
	MutableClock clock;

	@Autowired
	StepUp stepUp;

	@Autowired
	KeyChecks keys;

	/** A proposal left waiting by a failed test would block the next one: withdraw it. */
	@org.junit.jupiter.api.BeforeEach
	void noProposalWaits() {
		dsl.update(KEY_PROPOSAL)
			.set(KEY_PROPOSAL.STATE, "REJECTED")
			.setNull(KEY_PROPOSAL.PENDING)
			.where(KEY_PROPOSAL.ACCOUNT_ID.in(ACCOUNT, V3_ACCOUNT, CERTIFICATE_ACCOUNT), KEY_PROPOSAL.STATE.eq("PROPOSED"))
			.execute();
	}

	@AfterEach
	void resetClock() {
		clock.reset();
		stepUp.clear();
	}

	@Test
	void aProposedKeyIsUsedOnlyAfterADifferentAdminApprovesWithTheirPassword(CapturedOutput output) {
		String oldKey = registry.find(ACCOUNT).orElseThrow().wechatV2().apiKey();
		TestUser maker = users.create(Role.ADMIN);
		TestUser checker = users.create(Role.ADMIN);
		ConsoleSession makerSession = new ConsoleSession(port).loggedInAs(maker).csrfFrom("/admin/accounts");
		String newKey = randomKey();

		// a proposal without the right password is refused, and nothing is proposed
		HttpResponse<String> noStepUp = makerSession.post("/admin/accounts/" + ACCOUNT + "/keys",
				Map.of("key", "api-key", "value", newKey, "password", "not-my-password"));
		assertThat(noStepUp.statusCode()).isEqualTo(302);
		assertThat(makerSession.get("/admin/accounts").body()).contains("Your password was wrong: nothing was done.");
		assertThat(pendingProposal(ACCOUNT)).isNull();

		HttpResponse<String> proposed = makerSession.post("/admin/accounts/" + ACCOUNT + "/keys",
				Map.of("key", "api-key", "value", newKey, "note", "rotated after the staff change", "password",
						maker.password()));
		assertThat(proposed.statusCode()).isEqualTo(302);
		assertThat(proposed.headers().firstValue("Location").orElseThrow()).endsWith("/admin/accounts");
		Long proposal = pendingProposal(ACCOUNT);
		assertThat(proposal).as("a proposal waits").isNotNull();
		assertThat(ConsolePages.text(makerSession.get("/admin/accounts").body(), "flash-message")).isEqualTo("Proposal "
				+ proposal + " recorded (API key of " + ACCOUNT + "): a different admin must approve it; until then the key in use stays.");

		// until approved, the old key is in force and the proposed one is not
		assertThat(notifyPaid(oldKey).statusCode()).as("old key before approval").isEqualTo(200);
		assertThat(lastVerdict(ACCOUNT)).isEqualTo("APPLIED");
		assertThat(notifyPaid(newKey).statusCode()).as("proposed key before approval").isEqualTo(401);
		assertThat(registry.find(ACCOUNT).orElseThrow().wechatV2().apiKey()).isEqualTo(oldKey);

		// the maker cannot approve, nor a checker with a wrong password
		makerSession.post("/admin/accounts/key-proposals/" + proposal + "/approve", Map.of("password", maker.password()));
		assertThat(makerSession.get("/admin/accounts").body()).contains("You proposed this yourself");
		ConsoleSession checkerSession = new ConsoleSession(port).loggedInAs(checker).csrfFrom("/admin/accounts");
		checkerSession.post("/admin/accounts/key-proposals/" + proposal + "/approve", Map.of("password", "wrong"));
		assertThat(checkerSession.get("/admin/accounts").body()).contains("Your password was wrong");
		assertThat(registry.find(ACCOUNT).orElseThrow().wechatV2().apiKey()).isEqualTo(oldKey);
		assertThat(notifyPaid(oldKey).statusCode()).isEqualTo(200);

		HttpResponse<String> approved = checkerSession.post("/admin/accounts/key-proposals/" + proposal + "/approve",
				Map.of("password", checker.password()));
		assertThat(approved.statusCode()).isEqualTo(302);
		assertThat(notifyPaid(newKey).statusCode()).as("the new key").isEqualTo(200);
		assertThat(lastVerdict(ACCOUNT)).isEqualTo("APPLIED");
		assertThat(notifyPaid(oldKey).statusCode()).as("the old key").isEqualTo(401);
		assertThat(lastVerdict(ACCOUNT)).isEqualTo("BAD_SIGNATURE");
		assertThat(registry.find(ACCOUNT).orElseThrow().wechatV2().apiKey()).isEqualTo(newKey);

		String page = checkerSession.get("/admin/accounts").body();
		assertThat(page).contains("is in use now")
			.contains("id=\"replaced-" + ACCOUNT + "-api-key\"")
			.contains("proposed by " + maker.login() + ", approved by " + checker.login())
			.contains("id=\"key-proposal-" + proposal + "-state\">APPROVED<")
			.doesNotContain(newKey)
			.doesNotContain(oldKey);
		// stored encrypted (nonce + ciphertext + tag); the proposal's sealed copy is wiped
		var stored = dsl.selectFrom(ACCOUNT_KEY)
			.where(ACCOUNT_KEY.ACCOUNT_ID.eq(ACCOUNT), ACCOUNT_KEY.KEY_NAME.eq("api-key"))
			.fetchSingle();
		assertThat(stored.getCiphertext()).hasSize(12 + 32 + 16);
		assertThat(new String(stored.getCiphertext(), StandardCharsets.ISO_8859_1)).doesNotContain(newKey);
		assertThat(stored.getReplacedBy()).isEqualTo(maker.login());
		assertThat(stored.getApprovedBy()).isEqualTo(checker.login());
		assertThat(stored.getProposalId()).isEqualTo(proposal);
		assertThat(dsl.fetchCount(KEY_PROPOSAL_ITEM, KEY_PROPOSAL_ITEM.PROPOSAL_ID.eq(proposal),
				KEY_PROPOSAL_ITEM.CIPHERTEXT.isNotNull())).isZero();

		assertThat(audited(maker.login(), "KEY_CHANGE_PROPOSED", "SUCCESS")).isEqualTo(1);
		assertThat(audited(maker.login(), "KEY_CHANGE_PROPOSED", "FAILURE")).as("the wrong password").isEqualTo(1);
		assertThat(audited(maker.login(), "KEY_CHANGE_APPROVED", "FAILURE")).as("own proposal").isEqualTo(1);
		assertThat(audited(checker.login(), "STEP_UP", "FAILURE")).isEqualTo(1);
		assertThat(audited(checker.login(), "KEY_CHANGE_APPROVED", "SUCCESS")).isEqualTo(1);
		assertThat(audited(checker.login(), "ACCOUNT_KEY_REPLACED", "SUCCESS")).isEqualTo(1);
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.DETAILS.contains(newKey).or(AUDIT_ENTRY.TARGET.contains(newKey))))
			.isZero();
		assertThat(output.getAll()).doesNotContain(newKey).doesNotContain(maker.password()).doesNotContain(checker.password());
	}

	@Test
	void anInvalidKeyIsRefusedWhenProposedWithoutRepeatingIt(CapturedOutput output) {
		TestUser admin = users.create(Role.ADMIN);
		ConsoleSession session = new ConsoleSession(port).loggedInAs(admin).csrfFrom("/admin/accounts");
		String bad = "short-" + randomKey().substring(0, 10);
		session.post("/admin/accounts/" + ACCOUNT + "/keys", Map.of("key", "api-key", "value", bad, "password", admin.password()));
		assertThat(session.get("/admin/accounts").body()).contains("API key: must be exactly 32 letters and digits")
			.doesNotContain(bad);
		assertThat(pendingProposal(ACCOUNT)).isNull();
		assertThat(audited(admin.login(), "KEY_CHANGE_PROPOSED", "FAILURE")).isEqualTo(1);
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.DETAILS.contains(bad))).isZero();
		assertThat(output.getAll()).doesNotContain(bad);
	}

	/**
	 * Issue 13: an Alipay account in certificate mode verifies with Alipay's certificates (chained to the configured
	 * root), never with {@code alipay-public-key}; a replaced public key would be listed as in force while nothing
	 * uses it. Its proposal is refused, naming the certificate mode.
	 */
	@Test
	void anAlipayPublicKeyIsRefusedForAnAccountInCertificateMode() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		TestUser admin = users.create(Role.ADMIN);
		ConsoleSession session = new ConsoleSession(port).loggedInAs(admin).csrfFrom("/admin/accounts");
		session.post("/admin/accounts/" + CERTIFICATE_ACCOUNT + "/keys", Map.of("key", "alipay-public-key", "value",
				Keys.toPem(generator.generateKeyPair().getPublic()), "password", admin.password()));
		assertThat(ConsolePages.text(session.get("/admin/accounts").body(), "flash-error"))
			.contains("Alipay public key").contains("certificate mode");
		assertThat(pendingProposal(CERTIFICATE_ACCOUNT)).isNull();
		assertThat(audited(admin.login(), "KEY_CHANGE_PROPOSED", "FAILURE")).isEqualTo(1);
	}

	@Test
	void aProposalNobodyApprovesExpiresAndLosesItsMaterialAndARejectionChangesNothing() {
		String inUse = registry.find(ACCOUNT).orElseThrow().wechatV2().apiKey();
		TestUser maker = users.create(Role.ADMIN);
		TestUser checker = users.create(Role.ADMIN);
		ConsoleSession makerSession = new ConsoleSession(port).loggedInAs(maker).csrfFrom("/admin/accounts");
		ConsoleSession checkerSession = new ConsoleSession(port).loggedInAs(checker).csrfFrom("/admin/accounts");
		makerSession.post("/admin/accounts/" + ACCOUNT + "/keys",
				Map.of("key", "api-key", "value", randomKey(), "password", maker.password()));
		Long proposal = pendingProposal(ACCOUNT);
		assertThat(proposal).isNotNull();

		clock.set(Instant.now().plus(Duration.ofHours(24)).plusSeconds(1));
		// a session lives at most 12 h after its sign-in (issue 11): the checker signs in again a day later
		checkerSession = new ConsoleSession(port).loggedInAs(checker).csrfFrom("/admin/accounts");
		checkerSession.post("/admin/accounts/key-proposals/" + proposal + "/approve", Map.of("password", checker.password()));
		assertThat(checkerSession.get("/admin/accounts").body()).contains("Proposal " + proposal + " is EXPIRED already.");
		assertThat(state(proposal)).isEqualTo("EXPIRED");
		assertThat(dsl.fetchCount(KEY_PROPOSAL_ITEM, KEY_PROPOSAL_ITEM.PROPOSAL_ID.eq(proposal),
				KEY_PROPOSAL_ITEM.CIPHERTEXT.isNotNull())).isZero();
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTION.eq("KEY_CHANGE_EXPIRED"),
				AUDIT_ENTRY.DETAILS.startsWith("proposal " + proposal + " "))).isEqualTo(1);
		assertThat(registry.find(ACCOUNT).orElseThrow().wechatV2().apiKey()).isEqualTo(inUse);
		clock.reset();

		// rejected (here by its own proposer, withdrawing it): a reason is required, nothing changes
		makerSession.post("/admin/accounts/" + ACCOUNT + "/keys",
				Map.of("key", "api-key", "value", randomKey(), "password", maker.password()));
		Long second = pendingProposal(ACCOUNT);
		makerSession.post("/admin/accounts/key-proposals/" + second + "/reject", Map.of("reason", " "));
		assertThat(state(second)).isEqualTo("PROPOSED");
		makerSession.post("/admin/accounts/key-proposals/" + second + "/reject", Map.of("reason", "wrong key file"));
		assertThat(state(second)).isEqualTo("REJECTED");
		assertThat(dsl.fetchCount(KEY_PROPOSAL_ITEM, KEY_PROPOSAL_ITEM.PROPOSAL_ID.eq(second),
				KEY_PROPOSAL_ITEM.CIPHERTEXT.isNotNull())).isZero();
		checkerSession.post("/admin/accounts/key-proposals/" + second + "/approve", Map.of("password", checker.password()));
		assertThat(state(second)).isEqualTo("REJECTED");
		assertThat(registry.find(ACCOUNT).orElseThrow().wechatV2().apiKey()).isEqualTo(inUse);
	}

	@Test
	void aPlatformPublicKeyAndItsIdAreReplacedTogether() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		KeyPair next = generator.generateKeyPair();
		String nextId = "PUB_KEY_ID_0119000000012026120300000000B";
		TestUser maker = users.create(Role.ADMIN);
		TestUser checker = users.create(Role.ADMIN);
		ConsoleSession makerSession = new ConsoleSession(port).loggedInAs(maker).csrfFrom("/admin/accounts");

		// the id is required with the key
		makerSession.post("/admin/accounts/" + V3_ACCOUNT + "/keys", Map.of("key", "platform-public-key", "value",
				Keys.toPem(next.getPublic()), "password", maker.password()));
		assertThat(makerSession.get("/admin/accounts").body()).contains("its platform-public-key-id is required");
		makerSession.post("/admin/accounts/" + V3_ACCOUNT + "/keys", Map.of("key", "platform-public-key", "value",
				Keys.toPem(next.getPublic()), "keyId", nextId, "password", maker.password()));
		Long proposal = pendingProposal(V3_ACCOUNT);
		assertThat(proposal).isNotNull();
		assertThat(notifyV3(Notifications.V3_PLATFORM_PRIVATE, Notifications.V3_SERIAL).statusCode()).as("before").isEqualTo(204);
		assertThat(notifyV3(next.getPrivate(), nextId).statusCode()).as("new id before approval").isEqualTo(503);
		assertThat(lastVerdict(V3_ACCOUNT)).isEqualTo("UNKNOWN_KEY");

		new ConsoleSession(port).loggedInAs(checker)
			.csrfFrom("/admin/accounts")
			.post("/admin/accounts/key-proposals/" + proposal + "/approve", Map.of("password", checker.password()));

		assertThat(registry.find(V3_ACCOUNT).orElseThrow().wechatV3().platformKeys()).containsOnlyKeys(nextId);
		assertThat(notifyV3(next.getPrivate(), nextId).statusCode()).as("new key under its id").isEqualTo(204);
		assertThat(lastVerdict(V3_ACCOUNT)).isEqualTo("APPLIED");
		assertThat(notifyV3(Notifications.V3_PLATFORM_PRIVATE, Notifications.V3_SERIAL).statusCode()).as("old id").isEqualTo(503);
		assertThat(notifyV3(next.getPrivate(), Notifications.V3_SERIAL).statusCode()).as("new key, old id").isEqualTo(503);
		assertThat(dsl.select(ACCOUNT_KEY.KEY_ID)
			.from(ACCOUNT_KEY)
			.where(ACCOUNT_KEY.ACCOUNT_ID.eq(V3_ACCOUNT), ACCOUNT_KEY.KEY_NAME.eq("platform-public-key"))
			.fetchSingle(ACCOUNT_KEY.KEY_ID)).isEqualTo(nextId);
	}

	@Test
	void twoAdminsApprovingAtOnceApplyItOnce() throws Exception {
		String inUse = registry.find(ACCOUNT).orElseThrow().wechatV2().apiKey();
		TestUser maker = users.create(Role.ADMIN);
		List<TestUser> checkers = List.of(users.create(Role.ADMIN), users.create(Role.ADMIN), users.create(Role.ADMIN));
		String newKey = randomKey();
		new ConsoleSession(port).loggedInAs(maker)
			.csrfFrom("/admin/accounts")
			.post("/admin/accounts/" + ACCOUNT + "/keys", Map.of("key", "api-key", "value", newKey, "password", maker.password()));
		Long proposal = pendingProposal(ACCOUNT);
		List<ConsoleSession> sessions = checkers.stream()
			.map(c -> new ConsoleSession(port).loggedInAs(c).csrfFrom("/admin/accounts"))
			.toList();
		List<Callable<Integer>> approvals = new ArrayList<>();
		for (int i = 0; i < checkers.size(); i++) {
			ConsoleSession s = sessions.get(i);
			String password = checkers.get(i).password();
			approvals.add(() -> s.post("/admin/accounts/key-proposals/" + proposal + "/approve", Map.of("password", password))
				.statusCode());
		}
		try (ExecutorService pool = Executors.newFixedThreadPool(checkers.size())) {
			for (Future<Integer> f : pool.invokeAll(approvals)) {
				assertThat(f.get()).isEqualTo(302);
			}
		}
		assertThat(state(proposal)).isEqualTo("APPROVED");
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTION.eq("KEY_CHANGE_APPROVED"), AUDIT_ENTRY.OUTCOME.eq("SUCCESS"),
				AUDIT_ENTRY.DETAILS.startsWith("proposal " + proposal + " "))).isEqualTo(1);
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTION.eq("ACCOUNT_KEY_REPLACED"),
				AUDIT_ENTRY.DETAILS.contains("by proposal " + proposal + " "))).isEqualTo(1);
		assertThat(registry.find(ACCOUNT).orElseThrow().wechatV2().apiKey()).isEqualTo(newKey).isNotEqualTo(inUse);
	}

	@Test
	void fiveWrongStepUpPasswordsRefuseStepUpsForAWhileEvenWithTheRightOne() {
		TestUser admin = users.create(Role.ADMIN);
		ConsoleSession session = new ConsoleSession(port).loggedInAs(admin).csrfFrom("/admin/accounts");
		Map<String, String> form = new java.util.HashMap<>(Map.of("key", "api-key", "value", randomKey()));
		for (int i = 1; i <= 5; i++) {
			form.put("password", "guess-" + i);
			session.post("/admin/accounts/" + ACCOUNT + "/keys", form);
			assertThat(ConsolePages.text(session.get("/admin/accounts").body(), "flash-error")).as("guess " + i)
				.isEqualTo("Your password was wrong: nothing was done.");
		}
		form.put("password", admin.password());
		session.post("/admin/accounts/" + ACCOUNT + "/keys", form);
		assertThat(ConsolePages.text(session.get("/admin/accounts").body(), "flash-error")).startsWith("Too many wrong passwords");
		assertThat(pendingProposal(ACCOUNT)).isNull();
		assertThat(audited(admin.login(), "STEP_UP", "FAILURE")).isEqualTo(5);
		assertThat(audited(admin.login(), "STEP_UP", "DENIED")).isEqualTo(1);

		clock.set(Instant.now().plus(Duration.ofMinutes(16)));
		session.post("/admin/accounts/" + ACCOUNT + "/keys", form);
		assertThat(ConsolePages.text(session.get("/admin/accounts").body(), "flash-message")).startsWith("Proposal ");
		assertThat(pendingProposal(ACCOUNT)).isNotNull();
	}

	@Test
	void onlyAnAdminWithTheFormsTokenProposesOrApprovesKeys() {
		String inUse = registry.find(ACCOUNT).orElseThrow().wechatV2().apiKey();
		TestUser finance = users.create(Role.FINANCE);
		ConsoleSession financeSession = new ConsoleSession(port).loggedInAs(finance).csrfFrom("/admin/accounts");
		String page = financeSession.get("/admin/accounts").body();
		assertThat(page).contains("id=\"account-" + ACCOUNT + "\"").doesNotContain("id=\"replace-" + ACCOUNT + "\"");
		assertThat(financeSession.post("/admin/accounts/" + ACCOUNT + "/keys",
				Map.of("key", "api-key", "value", randomKey(), "password", finance.password())).statusCode()).isEqualTo(403);
		assertThat(financeSession.post("/admin/accounts/key-proposals/1/approve", Map.of("password", finance.password()))
			.statusCode()).isEqualTo(403);

		TestUser admin = users.create(Role.ADMIN);
		ConsoleSession adminSession = new ConsoleSession(port).loggedInAs(admin);
		assertThat(adminSession.get("/admin/accounts").body()).contains("id=\"replace-" + ACCOUNT + "\"");
		assertThat(adminSession.postWithoutCsrf("/admin/accounts/" + ACCOUNT + "/keys",
				Map.of("key", "api-key", "value", randomKey(), "password", admin.password())).statusCode()).isEqualTo(403);

		assertThat(pendingProposal(ACCOUNT)).isNull();
		assertThat(registry.find(ACCOUNT).orElseThrow().wechatV2().apiKey()).isEqualTo(inUse);
	}

	private Long pendingProposal(String account) {
		return dsl.select(KEY_PROPOSAL.ID)
			.from(KEY_PROPOSAL)
			.where(KEY_PROPOSAL.ACCOUNT_ID.eq(account), KEY_PROPOSAL.STATE.eq("PROPOSED"))
			.fetchOne(KEY_PROPOSAL.ID);
	}

	private String state(long proposal) {
		return dsl.select(KEY_PROPOSAL.STATE).from(KEY_PROPOSAL).where(KEY_PROPOSAL.ID.eq(proposal)).fetchSingle(KEY_PROPOSAL.STATE);
	}

	private int audited(String actor, String action, String outcome) {
		return dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(actor), AUDIT_ENTRY.ACTION.eq(action),
				AUDIT_ENTRY.OUTCOME.eq(outcome));
	}

	private HttpResponse<String> notifyPaid(String key) {
		return keys.notifyV2Paid(port, ACCOUNT, key);
	}

	private HttpResponse<String> notifyV3(java.security.PrivateKey platformKey, String serial) {
		String outTradeNo = TestData.outTradeNo();
		orders.create(new CreateOrder(V3_ACCOUNT, outTradeNo, Fen.of(100), "CNY", "key test", null), Cause.api("test", "set-up"));
		Notifications.V3Delivery unsigned = Notifications.v3Paid(outTradeNo, 100, TestData.transactionId(), Instant.now());
		Notifications.V3Delivery delivery = Notifications.signV3(unsigned.body(), Instant.now(), platformKey, serial);
		return new Http(port).post("/notify/wechatpay-v3/" + V3_ACCOUNT, "application/json", delivery.body(),
				delivery.headers());
	}

	private String lastVerdict(String account) {
		return keys.lastVerdict(account);
	}

	static String randomKey() {
		String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
		SecureRandom random = new SecureRandom();
		StringBuilder key = new StringBuilder(32);
		for (int i = 0; i < 32; i++) {
			key.append(alphabet.charAt(random.nextInt(alphabet.length())));
		}
		return key.toString();
	}
}
