package com.payrecon.api;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import com.payrecon.account.AccountRegistry;
import com.payrecon.account.AccountsProperties;
import com.payrecon.api.ApiClientsProperties.ApiClient;
import org.junit.jupiter.api.Test;

class BearerTokenFilterTests {

	@Test
	void aClientLimitedToAnAccountThatDoesNotExistStopsStartUpNamingTheProperty() {
		AccountRegistry none = new AccountRegistry(new AccountsProperties(List.of()));
		ApiClientsProperties clients = new ApiClientsProperties(
				List.of(new ApiClient("shop", "a-token-of-16-chars-at-least", null, List.of("shop-wx2"))));

		assertThatThrownBy(() -> new BearerTokenFilter(clients, none))
			.hasMessage("payrecon.api-clients[0].accounts: no account 'shop-wx2' in payrecon.accounts");
	}
}
