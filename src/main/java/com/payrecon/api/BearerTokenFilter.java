package com.payrecon.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.payrecon.account.AccountRegistry;
import com.payrecon.api.ApiClientsProperties.ApiClient;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <token>} against the configured API clients by comparing SHA-256
 * digests in constant time. Requests without a valid token stay anonymous and are refused by the chain.
 */
class BearerTokenFilter extends OncePerRequestFilter {

	private record Known(ApiClientIdentity identity, byte[] digest) {
	}

	private final List<Known> clients;

	BearerTokenFilter(ApiClientsProperties properties, AccountRegistry accounts) {
		List<Known> known = new ArrayList<>();
		for (int i = 0; i < properties.apiClients().size(); i++) {
			known.add(known(properties.apiClients().get(i), "payrecon.api-clients[" + i + "]", accounts));
		}
		this.clients = List.copyOf(known);
	}

	private static Known known(ApiClient client, String prefix, AccountRegistry accounts) {
		if (client.name() == null || client.name().isBlank()) {
			throw new IllegalStateException(prefix + ".name: required");
		}
		for (String account : client.accounts()) {
			if (accounts.find(account).isEmpty()) {
				throw new IllegalStateException(prefix + ".accounts: no account '" + account + "' in payrecon.accounts");
			}
		}
		ApiClientIdentity identity = new ApiClientIdentity(client.name(), Set.copyOf(client.accounts()));
		if (client.tokenSha256() != null && !client.tokenSha256().isBlank()) {
			return new Known(identity, HexFormat.of().parseHex(client.tokenSha256().strip().toLowerCase(Locale.ROOT)));
		}
		if (client.token() == null || client.token().length() < 16) {
			throw new IllegalStateException("payrecon.api-clients (" + client.name()
					+ "): token (at least 16 characters) or token-sha256 required");
		}
		return new Known(identity, sha256(client.token()));
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String header = request.getHeader("Authorization");
		if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
			byte[] presented = sha256(header.substring(7).strip());
			Known match = null;
			for (Known client : clients) { // no early exit: the time taken does not depend on which client matched
				if (MessageDigest.isEqual(client.digest(), presented)) {
					match = client;
				}
			}
			if (match != null) {
				var authentication = UsernamePasswordAuthenticationToken.authenticated(match.identity(), null,
						AuthorityUtils.createAuthorityList("ROLE_API_CLIENT"));
				SecurityContextHolder.getContext().setAuthentication(authentication);
			}
		}
		chain.doFilter(request, response);
	}

	static byte[] sha256(String token) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
