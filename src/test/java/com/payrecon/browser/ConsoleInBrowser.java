package com.payrecon.browser;

import com.payrecon.security.LoginThrottle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.WebDriver;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * What every browser test class shares: one headless Chromium for the class (skipped where Chromium is not
 * installed), and each test starting and ending signed out with the login throttle cleared.
 */
abstract class ConsoleInBrowser {

	static WebDriver browser;

	@Autowired
	LoginThrottle throttle;

	@BeforeAll
	static void startBrowser() {
		Assumptions.assumeTrue(Browsers.available(), "chromium and chromedriver are not installed: browser tests skipped");
		browser = Browsers.headlessChromium();
	}

	@AfterAll
	static void stopBrowser() {
		if (browser != null) {
			browser.quit();
			browser = null;
		}
	}

	/** The page a test ends on is checked too (the others were checked as the test left them). */
	@AfterEach
	void lastPageIsAccessible() {
		if (browser.getCurrentUrl() != null && browser.getCurrentUrl().startsWith("http")) {
			Accessibility.check(browser);
		}
	}

	@BeforeEach
	@AfterEach
	void signedOut() {
		browser.manage().deleteAllCookies();
		throttle.clear();
	}
}
