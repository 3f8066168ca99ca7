package com.payrecon.browser;

import static com.payrecon.db.Tables.KEY_PROPOSAL;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import com.payrecon.account.AccountRegistry;
import com.payrecon.browser.pages.AccountsPage;
import com.payrecon.browser.pages.LoginPage;
import com.payrecon.console.ConsoleTestUsers;
import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.console.KeyChecks;
import com.payrecon.security.Role;
import com.payrecon.support.PayReconIT;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 11 in headless Chromium: admin A signs in (password, then a TOTP code), proposes a new API key with their
 * password; the old key is still in force. Admin B signs in the same way and approves with their password; from then
 * on a notification signed with the new key verifies and one signed with the old key fails. Screenshots:
 * target/screenshots/key-proposed.png, key-approved.png.
 */
@PayReconIT
class KeyApprovalBrowserIT extends ConsoleInBrowser {

	static final String ACCOUNT = "keys-approval";

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	KeyChecks keys;

	@Autowired
	AccountRegistry registry;

	@Autowired
	DSLContext dsl;

	@Test
	void oneAdminProposesAnotherApprovesAndOnlyThenTheNewKeyIsUsed() {
		String oldKey = registry.find(ACCOUNT).orElseThrow().wechatV2().apiKey();
		String newKey = "Br0wserApprovedKey0123456789abcd";
		TestUser maker = users.create(Role.ADMIN);
		TestUser checker = users.create(Role.ADMIN);

		LoginPage.to(browser, port).signIn(maker);
		AccountsPage accounts = AccountsPage.to(browser, port)
			.proposeKey(ACCOUNT, "api-key", newKey, "yearly rotation", maker.password());
		assertThat(accounts.flashMessage()).contains("a different admin must approve it");
		long proposal = dsl.select(KEY_PROPOSAL.ID)
			.from(KEY_PROPOSAL)
			.where(KEY_PROPOSAL.ACCOUNT_ID.eq(ACCOUNT), KEY_PROPOSAL.STATE.eq("PROPOSED"))
			.fetchSingle(KEY_PROPOSAL.ID);
		assertThat(accounts.proposalState(proposal)).isEqualTo("PROPOSED");
		assertThat(accounts.pageSource()).doesNotContain(newKey);
		Browsers.screenshot(browser, "key-proposed");

		// before approval: the old key is in force, the proposed one is not
		assertThat(notifyPaid(oldKey).statusCode()).isEqualTo(200);
		assertThat(lastVerdict()).isEqualTo("APPLIED");
		assertThat(notifyPaid(newKey).statusCode()).isEqualTo(401);
		assertThat(lastVerdict()).isEqualTo("BAD_SIGNATURE");
		accounts.logOut();

		LoginPage.to(browser, port).signIn(checker);
		accounts = AccountsPage.to(browser, port).approve(proposal, checker.password());
		assertThat(accounts.flashMessage()).isEqualTo("Proposal " + proposal + " approved: the new key of " + ACCOUNT
				+ " is in use now.");
		assertThat(accounts.proposalState(proposal)).isEqualTo("APPROVED");
		assertThat(accounts.replaced(ACCOUNT, "api-key")).contains("proposed by " + maker.login())
			.contains("approved by " + checker.login());
		assertThat(accounts.pageSource()).doesNotContain(newKey).doesNotContain(oldKey);
		Browsers.screenshot(browser, "key-approved");

		assertThat(notifyPaid(newKey).statusCode()).as("signed with the new key").isEqualTo(200);
		assertThat(lastVerdict()).isEqualTo("APPLIED");
		assertThat(notifyPaid(oldKey).statusCode()).as("signed with the old key").isEqualTo(401);
		assertThat(lastVerdict()).isEqualTo("BAD_SIGNATURE");
	}

	private HttpResponse<String> notifyPaid(String key) {
		return keys.notifyV2Paid(port, ACCOUNT, key);
	}

	private String lastVerdict() {
		return keys.lastVerdict(ACCOUNT);
	}
}
