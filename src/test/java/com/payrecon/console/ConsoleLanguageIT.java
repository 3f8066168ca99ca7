package com.payrecon.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.security.Role;
import com.payrecon.security.UserLanguages;
import com.payrecon.support.PayReconIT;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The console's language (issue 16): chosen from Accept-Language, switched in the header, remembered per user, and
 * followed by {@code lang}, the page's texts and its flash messages.
 */
@PayReconIT
class ConsoleLanguageIT {

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	UserLanguages languages;

	@Test
	void theBrowsersLanguageDecidesUntilSomeoneChooses() {
		String chinese = new ConsoleSession(port).acceptLanguage("zh-CN,zh;q=0.9,en;q=0.8").get("/login").body();
		assertThat(chinese).contains("<html lang=\"zh-CN\"").contains("<title>登录 · PayRecon</title>");
		assertThat(ConsolePages.text(chinese, "login-submit")).isEqualTo("登录");
		// any Chinese is served in Simplified Chinese; anything else in English
		assertThat(new ConsoleSession(port).acceptLanguage("zh-TW").get("/login").body()).contains("lang=\"zh-CN\"");
		String english = new ConsoleSession(port).acceptLanguage("fr-FR,de;q=0.8").get("/login").body();
		assertThat(english).contains("<html lang=\"en\"").contains("<title>Sign in · PayRecon</title>");
		assertThat(new ConsoleSession(port).get("/login").body()).contains("<html lang=\"en\"");
	}

	@Test
	void theHeaderSwitchIsKeptByTheBrowserWithoutSigningIn() {
		ConsoleSession browser = new ConsoleSession(port).acceptLanguage("en-US");
		String login = browser.get("/login").body();
		assertThat(ConsolePages.href(login, "lang-zh-CN")).isEqualTo("/login?lang=zh-CN");
		assertThat(browser.get("/login?lang=zh-CN").body()).contains("lang=\"zh-CN\"");
		assertThat(browser.get("/login").body()).as("the choice outlives the request").contains("lang=\"zh-CN\"");
		assertThat(browser.get("/login?lang=en").body()).contains("lang=\"en\"");
		assertThat(browser.get("/login?lang=xx-!!").body()).as("nonsense is ignored").contains("lang=\"en\"");
	}

	@Test
	void aUsersChoiceIsRememberedForTheirNextSessionOnAnotherBrowser() {
		TestUser finance = users.create(Role.FINANCE);
		ConsoleSession first = new ConsoleSession(port).acceptLanguage("en").loggedInAs(finance);
		assertThat(first.get("/dashboard").body()).contains("lang=\"en\"");
		assertThat(first.get("/dashboard?lang=zh-CN").body()).contains("lang=\"zh-CN\"").contains("概览");
		assertThat(languages.of(finance.login())).contains("zh-CN");

		// a new browser that asks for English: the user's own choice wins once they are signed in
		ConsoleSession other = new ConsoleSession(port).acceptLanguage("en");
		assertThat(other.get("/login").body()).contains("lang=\"en\"");
		other.loggedInAs(finance);
		String dashboard = other.get("/dashboard").body();
		assertThat(dashboard).contains("lang=\"zh-CN\"");
		assertThat(ConsolePages.text(dashboard, "nav-orders")).isEqualTo("订单");
	}

	@Test
	void flashMessagesAndRefusalsAreInTheReadersLanguage() {
		TestUser finance = users.create(Role.FINANCE);
		ConsoleSession zh = new ConsoleSession(port).acceptLanguage("zh-CN").loggedInAs(finance);
		zh.csrfFrom("/account/password");
		HttpResponse<String> mismatch = zh.post("/account/password",
				Map.of("currentPassword", finance.password(), "newPassword", "a-new-Secret-1234", "confirmPassword", "other"));
		assertThat(ConsolePages.text(mismatch.body(), "flash-error")).isEqualTo("两次输入的新密码不一致。");
		String badAmount = zh.get("/orders?amount=12.345").body();
		assertThat(ConsolePages.text(badAmount, "flash-error")).isEqualTo("金额：以元为单位，最多两位小数，例如 12.50");

		ConsoleSession en = new ConsoleSession(port).loggedInAs(finance);
		assertThat(ConsolePages.text(en.get("/orders?amount=12.345").body(), "flash-error"))
			.isEqualTo("Amount: yuan, at most two decimals, for example 12.50");
	}

	@Test
	void anAdminsRefusalsAreInTheReadersLanguage() {
		TestUser admin = users.create(Role.ADMIN);
		ConsoleSession zh = new ConsoleSession(port).acceptLanguage("zh-CN").loggedInAs(admin).csrfFrom("/admin/users");
		zh.post("/admin/users", Map.of("login", "1-not-a-login", "roles", "SUPPORT"));
		assertThat(ConsolePages.text(zh.get("/admin/users").body(), "flash-error"))
			.isEqualTo("用户名为 2–64 个字符：字母、数字、“.”、“_”或“-”，以字母开头。");
		zh.post("/admin/users/" + admin.id() + "/disable", Map.of());
		assertThat(ConsolePages.text(zh.get("/admin/users").body(), "flash-error")).isEqualTo("您不能停用自己。");

		ConsoleSession en = new ConsoleSession(port).acceptLanguage("en").loggedInAs(admin).csrfFrom("/admin/users");
		en.post("/admin/users/" + admin.id() + "/roles", Map.of("roles", "FINANCE"));
		assertThat(ConsolePages.text(en.get("/admin/users").body(), "flash-error"))
			.isEqualTo("You cannot change your own roles: another admin must do it.");
	}
}
