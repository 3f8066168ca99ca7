package com.payrecon.console.admin;

import java.util.ArrayList;
import java.util.List;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * Admin → Accounts: the configured merchant accounts. Keys are never sent to the browser, not even in part: the page
 * only says which ones are configured. Accounts come from configuration, so nothing here is editable.
 */
@Controller
class AccountsController {

	private final AccountRegistry accounts;

	AccountsController(AccountRegistry accounts) {
		this.accounts = accounts;
	}

	/** What the page may show of an account. */
	record AccountView(String id, String channel, String appId, String mchId, String sellerId, String zone,
			String baseUrl, List<String> configuredKeys) {
	}

	@GetMapping("/admin/accounts")
	@PreAuthorize("hasAnyRole('ADMIN', 'FINANCE')")
	public String list(Model model) {
		model.addAttribute("accounts", accounts.all().stream().map(AccountsController::view).toList());
		return "admin/accounts";
	}

	static AccountView view(Account a) {
		List<String> keys = new ArrayList<>();
		switch (a.credentials()) {
			case Account.WechatV2Keys k -> {
				keys.add("API key (" + k.signType() + ")");
			}
			case Account.WechatV3Keys k -> {
				keys.add("APIv3 key");
				if (k.merchantPrivateKey() != null) {
					keys.add("merchant private key" + (k.merchantSerialNo() == null ? "" : " (serial " + k.merchantSerialNo() + ")"));
				}
				k.platformKeys().keySet().forEach(id -> keys.add("platform public key " + id));
			}
			case Account.AlipayKeys k -> {
				if (k.appPrivateKey() != null) {
					keys.add("app private key");
				}
				keys.add("Alipay public key");
			}
		}
		return new AccountView(a.id(), a.channel().wireName(), a.appId(), a.mchId(), a.sellerId(), a.zone().getId(),
				a.baseUrl() == null ? null : a.baseUrl().toString(), keys);
	}
}
