package com.payrecon.console.admin;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.payrecon.account.Account;
import com.payrecon.account.AccountKeyName;
import com.payrecon.account.AccountKeysInForce;
import com.payrecon.account.AccountKeys;
import com.payrecon.account.AccountRegistry;
import com.payrecon.account.KeyProposals;
import com.payrecon.account.ProviderCertificates;
import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.security.Refused;

import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Admin → Accounts: the configured merchant accounts. Keys are never sent to the browser, not even in part: the page
 * only says which ones are configured, and which were replaced by whom and when. An admin proposes a new key with a
 * form whose value is never shown back; a different admin approves it, both re-entering their password
 * ({@link KeyProposals}); finance only looks. Below the accounts, every key and certificate in force with its serial
 * or id, where it came from (configured, downloaded, replaced) and its validity ({@link AccountKeysInForce}).
 */
@Controller
class AccountsController {

	private final AccountRegistry accounts;
	private final AccountKeys keys;
	private final KeyProposals proposals;
	private final MessageSource messages;
	private final ProviderCertificates certificates;
	private final Clock clock;
	private final AuditLog audit;

	AccountsController(AccountRegistry accounts, AccountKeys keys, KeyProposals proposals, MessageSource messages,
			ProviderCertificates certificates, Clock clock, AuditLog audit) {
		this.accounts = accounts;
		this.keys = keys;
		this.proposals = proposals;
		this.messages = messages;
		this.certificates = certificates;
		this.clock = clock;
		this.audit = audit;
	}

	/** What the page may show of an account. */
	record AccountView(String id, String channel, String appId, String mchId, String sellerId, String zone,
			String baseUrl, List<String> configuredKeys, List<AccountKeyName> replaceableKeys,
			List<AccountKeys.Replacement> replacements) {
	}

	@GetMapping("/admin/accounts")
	@PreAuthorize("hasAnyRole('ADMIN', 'FINANCE')")
	public String list(Model model) {
		List<AccountKeys.Replacement> replaced = keys.replacements();
		model.addAttribute("accounts", accounts.all()
			.stream()
			.map(a -> view(a, replaced.stream().filter(r -> r.accountId().equals(a.id())).toList()))
			.toList());
		model.addAttribute("replaceable", keys.replaceable());
		// every key and certificate in force per account: serial or id, where it came from, its validity (issue 13)
		model.addAttribute("keysInForce", accounts.all()
			.stream()
			.flatMap(a -> AccountKeysInForce.of(a, certificates.all(a), replaced.stream()
				.filter(r -> r.accountId().equals(a.id()))
				.map(AccountKeys.Replacement::key)
				.collect(Collectors.toSet()), clock.instant()).stream())
			.toList());
		model.addAttribute("proposals", proposals.recent());
		return "admin/accounts";
	}

	/**
	 * Proposes replacing one key (with its id or serial where it has one); the value goes to the service and nowhere
	 * else (not to the flash, not to the log). A different admin approves it before it is used.
	 */
	@PostMapping("/admin/accounts/{id}/keys")
	@PreAuthorize("hasRole('ADMIN')")
	public String proposeKey(@PathVariable String id, @RequestParam("key") String keyName,
			@RequestParam("value") String value, @RequestParam(name = "keyId", required = false) String keyId,
			@RequestParam(name = "note", required = false) String note,
			@RequestParam(name = "password", defaultValue = "") String password, Authentication auth,
			RedirectAttributes redirect, Locale locale) {
		AccountKeyName name = AccountKeyName.fromWire(keyName).orElse(null);
		if (name == null || accounts.find(id).isEmpty()) {
			// issue 11: a refused attempt is audited too (no transaction here: written at once)
			audit.recordRefusal(auth.getName(), AuditAction.ACCOUNT_KEY_REPLACED, "account:" + id + "/" + keyName,
					name == null ? "no such key name" : "no such account");
			throw new ResponseStatusException(HttpStatus.NOT_FOUND);
		}
		return act(redirect, locale, () -> {
			KeyProposals.KeyProposal p = proposals.propose(id, List.of(new KeyProposals.KeyChange(name, keyId, value)), note,
					password, auth.getName());
			return messages.getMessage("keys.proposed", new Object[] { p.id(), name.label(), id }, locale);
		});
	}

	@PostMapping("/admin/accounts/key-proposals/{proposal}/approve")
	@PreAuthorize("hasRole('ADMIN')")
	public String approve(@PathVariable long proposal, @RequestParam(name = "password", defaultValue = "") String password,
			Authentication auth, RedirectAttributes redirect, Locale locale) {
		return act(redirect, locale, () -> {
			KeyProposals.KeyProposal p = proposals.approve(proposal, password, auth.getName());
			return messages.getMessage("keys.approved", new Object[] { p.id(), p.accountId() }, locale);
		});
	}

	@PostMapping("/admin/accounts/key-proposals/{proposal}/reject")
	@PreAuthorize("hasRole('ADMIN')")
	public String reject(@PathVariable long proposal, @RequestParam(name = "reason", required = false) String reason,
			Authentication auth, RedirectAttributes redirect, Locale locale) {
		return act(redirect, locale, () -> {
			KeyProposals.KeyProposal p = proposals.reject(proposal, reason, auth.getName());
			return messages.getMessage("keys.rejected", new Object[] { p.id(), p.accountId() }, locale);
		});
	}

	private String act(RedirectAttributes redirect, Locale locale, Supplier<String> action) {
		try {
			redirect.addFlashAttribute("message", action.get());
		}
		catch (Refused ex) {
			redirect.addFlashAttribute("error", ex.text(messages, locale));
		}
		return "redirect:/admin/accounts";
	}

	static AccountView view(Account a, List<AccountKeys.Replacement> replacements) {
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
				keys.add(a.certificates().alipay() == null ? "Alipay public key"
						: "app, Alipay and root certificates (certificate mode)");
			}
		}
		if (a.certificates().clientCertificate() != null) {
			keys.add("client certificate (serial " + a.certificates().clientCertificate().serial() + ")");
		}
		// in certificate mode Alipay's key comes from its certificates, never from a pasted public key
		List<AccountKeyName> replaceable = AccountKeyName.of(a.channel())
			.stream()
			.filter(k -> !(k == AccountKeyName.ALIPAY_PUBLIC_KEY && a.certificates().alipay() != null))
			.toList();
		return new AccountView(a.id(), a.channel().wireName(), a.appId(), a.mchId(), a.sellerId(), a.zone().getId(),
				a.baseUrl() == null ? null : a.baseUrl().toString(), keys, replaceable, replacements);
	}
}
