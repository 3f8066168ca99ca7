package com.payrecon.notify;

import com.payrecon.account.Account;
import com.payrecon.account.Channel;

/** Authenticates and reads one channel's notifications; one implementation per provider protocol. */
interface ChannelVerifier {

	Channel channel();

	/** Never throws for bad input: every problem becomes a {@link Check.Rejected} with its reason. */
	Check check(Account account, RawRequest raw);

	/** The provider's exact success answer. */
	Reply acknowledge();

	/** The provider's exact failure answer. */
	Reply fail(Verdict verdict, String message);

	/** An HTTP answer: status, content type and body. */
	record Reply(int status, String contentType, String body) {
	}
}
