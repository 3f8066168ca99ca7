package com.payrecon.repair;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

import com.payrecon.account.Account;
import com.payrecon.account.Channel;
import com.payrecon.provider.PaymentProvider;
import com.payrecon.provider.ProviderAnswer;
import com.payrecon.support.db.DatabaseTransactions;

/**
 * A provider whose answers a test scripts per order number, recording every call. It exercises the repair logic's
 * decisions; the real clients are tested over HTTP against the sandbox.
 */
class ScriptedProvider implements PaymentProvider {

	private final Map<String, ConcurrentLinkedDeque<ProviderAnswer>> queries = new ConcurrentHashMap<>();
	private final Map<String, ProviderAnswer> closes = new ConcurrentHashMap<>();
	private final Map<String, ProviderAnswer> reverses = new ConcurrentHashMap<>();
	final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
	/** The calls made while the calling thread had a database transaction open (none should be). */
	final List<String> callsInTransaction = java.util.Collections.synchronizedList(new ArrayList<>());
	private final Map<String, Runnable> beforeQuery = new ConcurrentHashMap<>();

	/** Runs {@code action} when {@code outTradeNo} is queried, before answering (to look at the database then). */
	void beforeQuery(String outTradeNo, Runnable action) {
		beforeQuery.put(outTradeNo, action);
	}

	private void record(String call) {
		calls.add(call);
		if (DatabaseTransactions.isOpen()) {
			callsInTransaction.add(call);
		}
	}

	/** Answers for successive queries of {@code outTradeNo}; the last one repeats. */
	void onQuery(String outTradeNo, ProviderAnswer... answers) {
		queries.put(outTradeNo, new ConcurrentLinkedDeque<>(List.of(answers)));
	}

	void onClose(String outTradeNo, ProviderAnswer answer) {
		closes.put(outTradeNo, answer);
	}

	void onReverse(String outTradeNo, ProviderAnswer answer) {
		reverses.put(outTradeNo, answer);
	}

	long callsFor(String operation, String outTradeNo) {
		synchronized (calls) {
			return calls.stream().filter((operation + " " + outTradeNo)::equals).count();
		}
	}

	@Override
	public Channel channel() {
		return Channel.WECHATPAY_V2;
	}

	@Override
	public ProviderAnswer query(Account account, String outTradeNo) {
		record("query " + outTradeNo);
		beforeQuery.getOrDefault(outTradeNo, () -> { }).run();
		ConcurrentLinkedDeque<ProviderAnswer> script = queries.get(outTradeNo);
		if (script == null || script.isEmpty()) {
			return ProviderAnswer.error(outTradeNo, "UNSCRIPTED", "no answer scripted", null);
		}
		return script.size() > 1 ? script.pollFirst() : script.peekFirst();
	}

	@Override
	public ProviderAnswer close(Account account, String outTradeNo) {
		record("close " + outTradeNo);
		return closes.getOrDefault(outTradeNo, ProviderAnswer.error(outTradeNo, "UNSCRIPTED", "no answer scripted", null));
	}

	@Override
	public PlaceResult place(Account account, PlaceRequest request) {
		throw new UnsupportedOperationException("not used by the repair tests");
	}

	@Override
	public ProviderAnswer micropay(Account account, MicropayRequest request) {
		throw new UnsupportedOperationException("not used by the repair tests");
	}

	@Override
	public ProviderAnswer reverse(Account account, String outTradeNo) {
		record("reverse " + outTradeNo);
		return reverses.getOrDefault(outTradeNo, ProviderAnswer.error(outTradeNo, "UNSCRIPTED", "no answer scripted", null));
	}

	@Override
	public BillDownload bill(Account account, LocalDate day) {
		throw new UnsupportedOperationException("not used by the repair tests");
	}

	@Override
	public com.payrecon.provider.RefundAnswer refund(Account account, RefundRequest request) {
		throw new UnsupportedOperationException("not used by the repair tests");
	}

	@Override
	public com.payrecon.provider.RefundAnswer queryRefund(Account account, RefundLookup lookup) {
		throw new UnsupportedOperationException("not used by the repair tests");
	}
}
